import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLateArrival } from '@roc-ledger/events';
import { getInMemoryEventStore, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { summarizeLedger } from '../../packages/cli/src/commands/summary.ts';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { contract } from '../support/tempLedger.ts';

const clock: SimClock = { now: new Date(0) };
let store: EventStore;
let events: RecordedEvent[];

beforeAll(async () => {
  store = getInMemoryEventStore({ contract, clock: () => clock.now });
  // More than one page of 2,048 events, late uploads among them.
  await loadDemo(store, clock, { customers: 150, years: 2, seed: 'summary' });
  events = [];
  for await (const event of store.readAll()) events.push(event);
}, 60_000);
afterAll(() => store.close());

describe('summarizeLedger (roc-ledger summary)', () => {
  it('counts every event once, by channel and type, with the streams, the late arrivals and the span of valid time', async () => {
    expect(events.length).toBeGreaterThan(2 * 2048);
    const tally = (key: (e: RecordedEvent) => string) => {
      const counts: Record<string, number> = {};
      for (const event of events) counts[key(event)] = (counts[key(event)] ?? 0) + 1;
      return counts;
    };
    const byValidTime = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    const lateArrivals = events.filter(isLateArrival).length;
    expect(lateArrivals).toBeGreaterThan(0);
    expect(await summarizeLedger(store)).toEqual({
      events: events.length,
      customers: new Set(events.map((e) => e.streamId)).size,
      firstOccurredAt: byValidTime[0]!.occurredAt,
      lastOccurredAt: byValidTime.at(-1)!.occurredAt,
      lateArrivals,
      byChannel: tally((e) => e.channel),
      byType: tally((e) => e.type),
    });
  });

  it('summarises an empty ledger as nothing', async () => {
    const empty = getInMemoryEventStore({ contract });
    expect(await summarizeLedger(empty)).toEqual({ events: 0, customers: 0, firstOccurredAt: null, lastOccurredAt: null, lateArrivals: 0, byChannel: {}, byType: {} });
    await empty.close();
  });
});
