import { describe, expect, it } from 'vitest';
import { moneyFromLedger, SEGMENTS, type EquityPoint } from '@roc-ledger/clv';
import { EquityTracker } from '@roc-ledger/customer-equity';
import type { EventStore } from '@roc-ledger/ledger';
import { inMemoryDemo } from '../support/demoLedger.ts';
import { seriesFromScratch } from '../support/equity.ts';
import { contract } from '../support/tempLedger.ts';

const cents = (points: readonly EquityPoint[]) => points.map((p) => [p.period, p.equityEnd === null ? null : Math.round(p.equityEnd * 100), Math.round(p.cashFlow * 100)]);

describe('a tracker on a new read model', () => {
  it('restates, naming it, a late purchase read while its first series is being computed', async () => {
    const { clock, store } = await inMemoryDemo({ customers: 60, years: 2, seed: 'first-series' });
    // The first recomputation begins by asking for the head: held there until the late purchase is read.
    let entered!: () => void;
    const inFirstUpdate = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const gated: EventStore = Object.create(store, {
      head: {
        value: async () => {
          if (!held) {
            held = true;
            entered();
            await released;
          }
          return store.head();
        },
      },
    });
    const tracker = new EquityTracker({ store: gated, path: ':memory:', period: 'quarter', minIntervalMs: 0 });
    try {
      tracker.start();
      await inFirstUpdate;
      const money = await moneyFromLedger(store);
      const firstPurchase = Math.min(...money.purchases.map((p) => p.at));
      clock.now = new Date(clock.now.getTime() + 3_600_000);
      const late = await store.append(`customer-${money.purchases[0]!.customerId}`, [
        contract.parse({
          eventId: '01950000-0000-7000-8000-00000000f001',
          type: 'PurchaseMade',
          schemaVersion: 2,
          customer: { kind: 'customerId', value: money.purchases[0]!.customerId },
          channel: 'store',
          source: 'pos-late-upload',
          occurredAt: new Date(firstPurchase + 200 * 86_400_000).toISOString(),
          data: { orderId: 'late-first', amount: { minor: 3_000_000, currency: 'EUR' } },
        }),
      ]);
      // The follower reads it (the in-memory store notifies at once) while the first batch is held.
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      await tracker.waitFor(late.events[0]!.globalPosition);
      expect(cents(tracker.series())).toEqual(cents(await seriesFromScratch(store, { period: 'quarter', segments: SEGMENTS })));
      const restated = tracker.restatements();
      expect(restated.length).toBeGreaterThan(0);
      expect(restated[0]!.causedBy.map((e) => e.eventId)).toEqual(['01950000-0000-7000-8000-00000000f001']);
    } finally {
      await tracker.stop();
      await store.close();
    }
  }, 60_000);
});
