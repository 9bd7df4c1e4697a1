import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { equitySeries, moneyFromLedger, readMoneyLog, SEGMENTS, type EquityPoint } from '@roc-ledger/clv';
import { EquityTracker, knownAtFromLater, knownAtStops, querySeries } from '@roc-ledger/customer-equity';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { seriesFromScratch, trackerCaughtUp } from '../support/equity.ts';
import { contract } from '../support/tempLedger.ts';

const clock: SimClock = { now: new Date(0) };
const options = { period: 'month', segments: SEGMENTS } as const;
let store: EventStore;
let tracker: EquityTracker;
let stops: Date[];
let merged: { survivor: string; merged: string; firstPurchase: number };
let latePurchaseAt: number;

beforeAll(async () => {
  store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, { customers: 120, years: 2, seed: 'known-at-from-later' });
  stops = await knownAtStops(store);
  // Recorded after every stop: two early buyers found to be one person, and a purchase of the first year uploaded late.
  const money = await moneyFromLedger(store);
  const byFirst = [...new Set(money.purchases.toSorted((a, b) => a.at - b.at).map((p) => p.customerId))];
  const [survivor, other] = [byFirst[3]!, byFirst[5]!];
  merged = { survivor, merged: other, firstPurchase: Math.min(...money.purchases.filter((p) => p.customerId === survivor || p.customerId === other).map((p) => p.at)) };
  latePurchaseAt = Date.parse(stops[8]!.toISOString()) - 20 * 86_400_000;
  clock.now = new Date(clock.now.getTime() + 3_600_000);
  const envelope = { schemaVersion: 1, customer: { kind: 'customerId', value: survivor }, source: 'test', occurredAt: clock.now.toISOString() } as const;
  await store.append(`customer-${survivor}`, [
    contract.parse({ ...envelope, eventId: '01950000-0000-7000-8000-00000000d001', type: 'CustomersMerged', channel: 'system', data: { survivorId: survivor, mergedId: other, reason: 'same person' } }),
    contract.parse({ ...envelope, eventId: '01950000-0000-7000-8000-00000000d002', type: 'PurchaseMade', schemaVersion: 2, channel: 'store', occurredAt: new Date(latePurchaseAt).toISOString(), data: { orderId: 'late-k', amount: { minor: 990_000, currency: 'EUR' } } }),
  ]);
  tracker = await trackerCaughtUp(store, 'month');
}, 120_000);
afterAll(async () => {
  await tracker.stop();
  await store.close();
});

const fromScratch = (knownAt: Date): Promise<EquityPoint[]> => seriesFromScratch(store, options, knownAt);

describe('the series as known at a past instant, from a later one', () => {
  it('is, at every month end and newest first (as the dashboard prepares them), exactly the series computed from scratch', async () => {
    expect(stops.length).toBeGreaterThanOrEqual(20);
    for (const stop of stops.toReversed()) {
      const answer = await querySeries(store, tracker, { period: 'month', knownAt: stop });
      expect(answer.source).toBe('computed');
      expect(JSON.stringify(tracker.keptKnownAt('month', stop)), stop.toISOString()).toBe(JSON.stringify(await fromScratch(stop)));
    }
  }, 120_000);

  it('computes a series asked for twice at once only once; both get it', async () => {
    // An instant not prepared by the test before: between two month ends.
    const known = new Date(stops[6]!.getTime() + 10 * 86_400_000);
    const money = vi.spyOn(tracker, 'money');
    const [a, b] = await Promise.all([0, 1].map(() => querySeries(store, tracker, { period: 'month', knownAt: known })));
    expect(money).toHaveBeenCalledTimes(1);
    money.mockRestore();
    expect(b).toEqual(a);
    expect(JSON.stringify(tracker.keptKnownAt('month', known))).toBe(JSON.stringify(await fromScratch(known)));
  }, 60_000);

  it('keeps the later series up to the first period a later event changes, and computes the rest', async () => {
    // The tracked series, marked: every point kept from it says customers -1.
    const { through, points } = tracker.trackedCut();
    const marked = points.map((p) => ({ ...p, customers: -1 }));
    const stop = stops.at(-1)!;
    const series = await knownAtFromLater(await readMoneyLog(store, { through }), { points: marked, cut: { through } }, stop, 'month', options);
    const scratch = await fromScratch(stop);
    const changedFrom = Math.min(merged.firstPurchase, latePurchaseAt);
    const keptCount = series.filter((p) => p.customers === -1).length;
    // Kept: exactly the periods that ended before the merged customers' first purchase (or the late one).
    expect(keptCount).toBe(scratch.filter((p) => Date.parse(p.end) - 1 < changedFrom).length);
    expect(keptCount).toBeGreaterThan(0);
    expect(series.slice(0, keptCount).every((p) => p.customers === -1)).toBe(true);
    expect(JSON.stringify(series.slice(keptCount))).toBe(JSON.stringify(scratch.slice(keptCount)));
  }, 60_000);

  it('values the period still open at the earlier instant anew, even when nothing was recorded between the two', async () => {
    const quarters = { period: 'quarter', segments: SEGMENTS } as const;
    // A month end inside a quarter, and a moment later: the same events, the open quarter valued at another instant.
    const known = stops.find((s) => s.getUTCMonth() % 3 === 1)!;
    const later = new Date(known.getTime() + 1);
    const log = await readMoneyLog(store);
    expect(log.recordedAt.filter((at) => at <= later.getTime()).length).toBe(log.recordedAt.filter((at) => at <= known.getTime()).length);
    const laterMoney = log.cut({ knownAt: later });
    const laterPoints = equitySeries(laterMoney.purchases, laterMoney.cash, later.getTime(), quarters);
    const series = await knownAtFromLater(log, { points: laterPoints, cut: { knownAt: later } }, known, 'quarter', quarters);
    const money = await moneyFromLedger(store, { knownAt: known });
    expect(JSON.stringify(series)).toBe(JSON.stringify(equitySeries(money.purchases, money.cash, known.getTime(), quarters)));
    expect(series.at(-1)!.valuedAt).toBe(known.toISOString());
    // The same from the money read only up to the later cut (what a service does when its own does not reach it).
    const upToLater = await readMoneyLog(store, { knownAt: later });
    expect(upToLater.covers({ knownAt: later })).toBe(true);
    expect(upToLater.covers({ knownAt: new Date(later.getTime() + 86_400_000) })).toBe(false);
    expect(JSON.stringify(await knownAtFromLater(upToLater, { points: laterPoints, cut: { knownAt: later } }, known, 'quarter', quarters))).toBe(JSON.stringify(series));
    // Money that does not reach the later cut is refused, rather than keeping points a later event changed.
    const upToKnown = await readMoneyLog(store, { knownAt: known });
    await expect(knownAtFromLater(upToKnown, { points: laterPoints, cut: { knownAt: new Date(later.getTime() + 86_400_000) } }, known, 'quarter', quarters)).rejects.toThrow(/does not reach the later cut/);
  }, 60_000);
});
