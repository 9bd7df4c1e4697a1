import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equitySeries, moneyFromLedger, SEGMENTS, type EquityPoint } from '@roc-ledger/clv';
import { EquityTracker } from '@roc-ledger/customer-equity';
import type { AppendResult, EventStore } from '@roc-ledger/ledger';
import { inMemoryDemo, type SimClock } from '../support/demoLedger.ts';
import { join } from 'node:path';
import { seriesFromScratch, trackerCaughtUp } from '../support/equity.ts';
import { contract, tempDataDir } from '../support/tempLedger.ts';

let clock: SimClock;
let store: EventStore;
let tracker: EquityTracker;

beforeAll(async () => {
  ({ clock, store } = await inMemoryDemo({ customers: 150, years: 2, seed: 'equity' }));
  tracker = await trackerCaughtUp(store, 'quarter');
}, 120_000);
afterAll(async () => {
  await tracker.stop();
  await store.close();
});

const fromScratch = (knownAt?: Date): Promise<EquityPoint[]> => seriesFromScratch(store, { period: 'quarter', segments: SEGMENTS }, knownAt);
/** The figures, to the cent (ROC to 1e-9), without the bookkeeping fields. */
const figures = (points: readonly EquityPoint[]) =>
  points.map((p) => ({
    period: p.period,
    equityStart: p.equityStart === null ? null : Math.round(p.equityStart * 100),
    equityEnd: p.equityEnd === null ? null : Math.round(p.equityEnd * 100),
    cashFlow: Math.round(p.cashFlow * 100),
    roc: p.roc === null ? null : Math.round(p.roc * 1e9),
  }));

describe('the customer-equity and ROC series', () => {
  it('is derived from the log: the tracked series equals a from-scratch computation, with defined values throughout', async () => {
    const series = tracker.series();
    expect(series.length).toBeGreaterThanOrEqual(8);
    expect(figures(series)).toEqual(figures(await fromScratch()));
    for (const point of series) for (const v of [point.equityStart, point.equityEnd, point.cashFlow, point.roc]) expect(v === null || Number.isFinite(v)).toBe(true);
    const valued = series.filter((p) => p.equityEnd !== null);
    expect(valued.length).toBeGreaterThanOrEqual(4);
    const last = series[series.length - 1]!;
    expect(Object.keys(last.segments!['acquisition-channel']!).length).toBeGreaterThan(1);
    const segmentTotal = Object.values(last.segments!['main-channel']!).reduce((s, seg) => s + (seg.equityEnd ?? 0), 0);
    expect(segmentTotal).toBeCloseTo(last.equityEnd!, 6);
  });

  it('restates past periods when a late purchase arrives, records why, and still equals a from-scratch computation', async () => {
    const before = tracker.series();
    const knownBefore = clock.now;
    // A large store purchase from three quarters ago, uploaded only now.
    const target = before[before.length - 4]!;
    const customerId = (await moneyFromLedger(store)).purchases[0]!.customerId;
    clock.now = new Date(clock.now.getTime() + 3_600_000);
    const occurredAt = new Date(Date.parse(target.start) + 5 * 86_400_000).toISOString();
    const appended = await store.append(`customer-${customerId}`, [
      contract.parse({
        eventId: '01950000-0000-7000-8000-00000000e001',
        type: 'PurchaseMade',
        schemaVersion: 2,
        customer: { kind: 'customerId', value: customerId },
        channel: 'store',
        source: 'pos-late-upload',
        occurredAt,
        data: { orderId: 'late-1', amount: { minor: 4_999_900, currency: 'EUR' } },
      }),
    ]);
    await tracker.waitFor(appended.events[0]!.globalPosition);
    const after = tracker.series();
    expect(figures(after)).toEqual(figures(await fromScratch()));

    const restatements = tracker.restatements();
    const periods = restatements.map((r) => r.period);
    expect(periods[0]).toBe(target.period);
    const first = restatements[0]!;
    expect(first.causedBy.map((e) => e.eventId)).toEqual(['01950000-0000-7000-8000-00000000e001']);
    expect(first.old.cashFlow).toBeCloseTo(target.cashFlow, 6);
    expect(first.new.cashFlow - first.old.cashFlow).toBeCloseTo(49_999, 6);
    // Periods before the late purchase are untouched.
    const unchanged = before.filter((p) => Date.parse(p.end) <= Date.parse(target.start));
    expect(figures(after.slice(0, unchanged.length))).toEqual(figures(unchanged));

    // As known before the upload, the series is the one reported then.
    expect(figures(await fromScratch(knownBefore))).toEqual(figures(before));
  }, 60_000);

  it('recomputes, and restates, the periods since the first purchase of two customers merged today', async () => {
    const before = tracker.series();
    const money = await moneyFromLedger(store);
    // The two earliest buyers: their merge changes every period from the second quarter of the history on.
    const [survivor, merged] = [...new Set(money.purchases.toSorted((a, b) => a.at - b.at).map((p) => p.customerId))] as [string, string];
    clock.now = new Date(clock.now.getTime() + 3_600_000);
    const appended = await store.append(`customer-${survivor}`, [
      contract.parse({
        eventId: '01950000-0000-7000-8000-00000000e003',
        type: 'CustomersMerged',
        schemaVersion: 1,
        customer: { kind: 'customerId', value: survivor },
        channel: 'system',
        source: 'identity-review',
        occurredAt: clock.now.toISOString(),
        data: { survivorId: survivor, mergedId: merged, reason: 'same person' },
      }),
    ]);
    await tracker.waitFor(appended.events[0]!.globalPosition);
    const after = tracker.series();
    expect(figures(after)).toEqual(figures(await fromScratch()));
    // One customer fewer in every period since both had bought.
    const bothBought = Math.max(...[survivor, merged].map((id) => Math.min(...money.purchases.filter((p) => p.customerId === id).map((p) => p.at))));
    const changed = after.filter((p) => Date.parse(p.end) > bothBought);
    for (const point of changed) expect(point.customers).toBe(before.find((b) => b.period === point.period)!.customers - 1);
    // Each reported period (ended before the merge) whose figures changed is restated, naming the merge.
    const figuresOf = (p: EquityPoint) => JSON.stringify(figures([p]));
    const reportedAndChanged = changed.filter((p) => Date.parse(p.end) <= clock.now.getTime() && figuresOf(p) !== figuresOf(before.find((b) => b.period === p.period)!));
    expect(reportedAndChanged.length).toBeGreaterThan(0);
    const restated = tracker.restatements().filter((r) => r.causedBy.some((e) => e.eventId === '01950000-0000-7000-8000-00000000e003'));
    expect(restated.map((r) => r.period)).toEqual(reportedAndChanged.map((p) => p.period));
  }, 60_000);
});

describe('trust in the equity series', () => {
  it('splits equity by trust band (the bands add up to the total) and adjusts retention by trust only when asked', async () => {
    const { querySeries } = await import('@roc-ledger/customer-equity');
    const plain = await querySeries(store, undefined, { period: 'quarter' });
    const banded = await querySeries(store, undefined, { period: 'quarter', segment: 'trust-band' });
    const last = banded.points[banded.points.length - 1]!;
    const bands = last.segments!['trust-band']!;
    expect(Object.keys(bands).every((b) => ['low', 'neutral', 'high', 'unscored'].includes(b))).toBe(true);
    expect(Object.values(bands).reduce((s, b) => s + (b.equityEnd ?? 0), 0)).toBeCloseTo(last.equityEnd!, 4);
    expect(figures(banded.points)).toEqual(figures(plain.points));
    const adjusted = await querySeries(store, undefined, { period: 'quarter', trustAdjustment: 0.2 });
    const a = adjusted.points[adjusted.points.length - 1]!;
    const p = plain.points[plain.points.length - 1]!;
    expect(a.equityEnd).not.toBeCloseTo(p.equityEnd!, 0);
    // ±20 % at most, per customer, so in total too.
    expect(Math.abs(a.equityEnd! / p.equityEnd! - 1)).toBeLessThanOrEqual(0.2);
  }, 120_000);
});

describe('two API services tracking the series in one readmodels.db', () => {
  it('record each restatement once, and both answer the same series', async () => {
    const temp = tempDataDir();
    const { clock: twoClock, store: shared } = await inMemoryDemo({ customers: 80, years: 2, seed: 'two-trackers' });
    const path = join(temp.dir, 'readmodels.db');
    const trackers = [0, 1].map(() => new EquityTracker({ store: shared, path, period: 'quarter', minIntervalMs: 0 }));
    try {
      for (const t of trackers) t.start();
      await Promise.all(trackers.map(async (t) => t.waitFor((await shared.head()).position)));
      const before = trackers[0]!.series();
      const customerId = (await moneyFromLedger(shared)).purchases[0]!.customerId;
      twoClock.now = new Date(twoClock.now.getTime() + 3_600_000);
      const appended = await shared.append(`customer-${customerId}`, [
        contract.parse({
          eventId: '01950000-0000-7000-8000-00000000e002', type: 'PurchaseMade', schemaVersion: 2, customer: { kind: 'customerId', value: customerId }, channel: 'store', source: 'pos-late-upload',
          occurredAt: new Date(Date.parse(before.at(-3)!.start) + 86_400_000).toISOString(), data: { orderId: 'late-2', amount: { minor: 2_000_000, currency: 'EUR' } },
        }),
      ]);
      await Promise.all(trackers.map((t) => t.waitFor(appended.events[0]!.globalPosition)));
      const restated = trackers[0]!.restatements();
      expect(restated.length).toBeGreaterThan(0);
      expect(new Set(restated.map((r) => r.period)).size).toBe(restated.length);
      expect(trackers[1]!.restatements()).toEqual(restated);
      expect(figures(trackers[1]!.series())).toEqual(figures(trackers[0]!.series()));
    } finally {
      for (const t of trackers) await t.stop();
      await shared.close();
      temp.cleanup();
    }
  }, 120_000);
});

describe('a tracker started again', () => {
  it('reads the money it missed and what arrives while it reads, and equals a from-scratch computation', async () => {
    const temp = tempDataDir();
    const { clock: restartClock, store: log } = await inMemoryDemo({ customers: 80, years: 2, seed: 'restart' });
    const path = join(temp.dir, 'readmodels.db');
    const purchase = (customerId: string, n: number, daysAgo: number) =>
      contract.parse({
        eventId: `01950000-0000-7000-8000-0000000f000${n}`, type: 'PurchaseMade', schemaVersion: 2, customer: { kind: 'customerId', value: customerId }, channel: 'web', source: 'restart-test',
        occurredAt: new Date(restartClock.now.getTime() - daysAgo * 86_400_000).toISOString(), data: { orderId: `restart-${n}`, amount: { minor: 1_500_000 + n, currency: 'EUR' } },
      });
    let appended: AppendResult | undefined;
    // The restarted tracker's first read of the money log: a purchase is recorded, and read by its follower, before the read begins.
    const appendingBeforeRead: EventStore = {
      ...log,
      readAll: (options) => {
        const read = log.readAll(options);
        if (appended || !options?.types?.includes('PurchaseMade')) return read;
        return {
          [Symbol.asyncIterator]: () => read[Symbol.asyncIterator](),
          async *pages() {
            restartClock.now = new Date(restartClock.now.getTime() + 1_000);
            appended = await log.append(`customer-${customerId}`, [purchase(customerId, 2, 90)]);
            await new Promise((resolve) => setTimeout(resolve, 100));
            yield* read.pages();
          },
        };
      },
    };
    const first = new EquityTracker({ store: log, path, period: 'quarter', minIntervalMs: 0 });
    let second: EquityTracker | undefined;
    let customerId = '';
    try {
      first.start();
      await first.waitFor((await log.head()).position);
      await first.stop();
      customerId = (await moneyFromLedger(log)).purchases[0]!.customerId;
      // Recorded while no tracker ran: a late purchase from half a year ago.
      restartClock.now = new Date(restartClock.now.getTime() + 3_600_000);
      const missed = await log.append(`customer-${customerId}`, [purchase(customerId, 1, 180)]);
      second = new EquityTracker({ store: appendingBeforeRead, path, period: 'quarter', minIntervalMs: 0 });
      second.start();
      await second.waitFor(missed.events[0]!.globalPosition);
      expect(appended).toBeDefined();
      await second.waitFor(appended!.events[0]!.globalPosition);
      expect(second.trackedCut().through).toBe(appended!.events[0]!.globalPosition);
      expect(figures(second.series())).toEqual(figures(await seriesFromScratch(log, { period: 'quarter', segments: SEGMENTS })));
    } finally {
      await second?.stop();
      await log.close();
      temp.cleanup();
    }
  }, 120_000);
});
