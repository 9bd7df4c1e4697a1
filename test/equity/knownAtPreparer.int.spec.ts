import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnownAtPreparer, knownAtStops, querySeries, type EquityTracker } from '@roc-ledger/customer-equity';
import type { EventStore } from '@roc-ledger/ledger';
import { inMemoryDemo } from '../support/demoLedger.ts';
import { trackerCaughtUp } from '../support/equity.ts';

let store: EventStore;
let tracker: EquityTracker;

beforeAll(async () => {
  ({ store } = await inMemoryDemo({ customers: 40, years: 1, seed: 'known-at-preparer' }));
  tracker = await trackerCaughtUp(store, 'month');
}, 120_000);
afterAll(async () => {
  await tracker.stop();
  await store.close();
});

describe('KnownAtPreparer', () => {
  it('says it has not started until a pass counts the stops, then keeps every stop, which then answers from what is kept', async () => {
    const preparer = new KnownAtPreparer(store, tracker);
    // Not "0 of 0 prepared": nothing is counted yet (serve starts the first pass after its start-up work).
    expect(preparer.progress).toEqual({ started: false, stops: 0, kept: 0, running: false });
    await preparer.prepare();
    const stops = await knownAtStops(store);
    expect(stops.length).toBeGreaterThanOrEqual(10);
    expect(preparer.progress).toEqual({ started: true, stops: stops.length, kept: stops.length, running: false });
    for (const stop of stops) expect((await querySeries(store, tracker, { period: 'month', knownAt: stop })).source).toBe('kept');
  });
});
