import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { WITHHELD_VALUE } from '@roc-ledger/events';
import { MergeMap } from '@roc-ledger/identity';
import { getInMemoryEventStore, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { defineProjection, replayAll, replayCustomer, replayEach, stateHash, type Cut } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { mergeRecordOf } from '../../packages/projections/src/runner.ts';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { contract } from '../support/tempLedger.ts';

// replayAll is what `project run`, `project diff` and the as-of queries of projections not kept per customer fold with.

const DAY_MS = 86_400_000;
const clock: SimClock = { now: new Date(0) };
let store: EventStore;
let events: RecordedEvent[];

beforeAll(async () => {
  store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, { customers: 40, years: 2, seed: 'replay-all', merges: 3 });
  events = [];
  for await (const event of store.readAll()) events.push(event);
}, 60_000);
afterAll(() => store.close());

/** One state for the whole ledger: events per type. */
const perType = defineProjection<{ counts: Record<string, number> }>({
  name: 'per-type',
  version: 1,
  consumes: ['InteractionRecorded', 'PurchaseMade', 'OfferPresented', 'CustomersMerged', 'ComplaintOpened'],
  partitionBy: 'global',
  initialState: { counts: {} },
  handlers: Object.fromEntries(
    ['InteractionRecorded', 'PurchaseMade', 'OfferPresented', 'CustomersMerged', 'ComplaintOpened'].map((type) => [type, (state: { counts: Record<string, number> }) => void (state.counts[type] = (state.counts[type] ?? 0) + 1)]),
  ),
});

const stateOf = async (readModels: Awaited<ReturnType<typeof replayAll>>['readModels'], key: string, partition: string) => JSON.parse((await readModels.load(key, partition))!.state) as unknown;

describe('replayAll', () => {
  const middle = () => events[Math.floor(events.length / 2)]!;
  const cuts = (): [string, Cut][] => [
    ['no cut', {}],
    ['as of a valid time', { asOf: new Date(middle().occurredAt) }],
    ['as known at a transaction time', { knownAt: new Date(events[Math.floor(events.length * 0.6)]!.recordedAt) }],
    // Late uploads happened before asOf but were recorded after knownAt: each bound leaves out events the other keeps.
    ['both', { asOf: new Date(middle().occurredAt), knownAt: new Date(Date.parse(middle().occurredAt) + DAY_MS) }],
  ];

  it('folds exactly the events inside each cut, and every one of them', async () => {
    for (const [, cut] of cuts()) {
      const inside = (e: RecordedEvent) => Date.parse(e.occurredAt) <= (cut.asOf?.getTime() ?? Infinity) && Date.parse(e.recordedAt) <= (cut.knownAt?.getTime() ?? Infinity);
      const counts: Record<string, number> = {};
      for (const event of events) if (perType.consumes.includes(event.type as never) && inside(event)) counts[event.type] = (counts[event.type] ?? 0) + 1;
      const { readModels, key } = await replayAll(store, perType, cut);
      expect(await stateOf(readModels, key, '*')).toEqual({ counts });
    }
    // The cuts differ from one another, so a cut ignored or misread would fail above.
    const [asOf, knownAt] = [Date.parse(middle().occurredAt), Date.parse(middle().occurredAt) + DAY_MS];
    const consumed = events.filter((e) => perType.consumes.includes(e.type as never));
    expect(consumed.filter((e) => Date.parse(e.occurredAt) <= asOf && Date.parse(e.recordedAt) > knownAt).length).toBeGreaterThan(0);
    expect(consumed.filter((e) => Date.parse(e.occurredAt) > asOf && Date.parse(e.recordedAt) <= knownAt).length).toBeGreaterThan(0);
    const totals = await Promise.all(cuts().map(async ([, cut]) => JSON.stringify(await stateOf((await replayAll(store, perType, cut)).readModels, 'per-type@1', '*'))));
    expect(new Set(totals).size, totals.join("\n")).toBe(4);
  });

  it('gives each customer the state its own replay gives in the same cut, merges within the cut included', async () => {
    const merges = new MergeMap();
    for (const event of events) if (event.type === 'CustomersMerged') merges.apply(mergeRecordOf(event));
    const customers = [...new Set(events.filter((e) => e.type === 'CustomerRegistered').map((e) => e.streamId.slice('customer-'.length)))];
    for (const [name, cut] of cuts()) {
      const { readModels, key } = await replayAll(store, customerView, cut);
      let compared = 0;
      for (const customerId of customers) {
        const replayed = await replayCustomer(store, customerView, merges, customerId, cut);
        if (!replayed || replayed.partition !== customerId) continue;
        expect(await stateOf(readModels, key, customerId), `${name}: ${customerId}`).toEqual(JSON.parse(JSON.stringify(replayed.state)));
        compared++;
      }
      expect(compared, name).toBeGreaterThan(10);
    }
  });

  it('stores byte-identical states whether it commits once or after every event', async () => {
    for (const [, cut] of cuts().slice(0, 2)) {
      const once = await replayAll(store, customerView, cut);
      const everyEvent = await replayAll(store, customerView, cut, { commitEvery: 1 });
      expect(await stateHash(everyEvent.readModels, everyEvent.key)).toEqual(await stateHash(once.readModels, once.key));
    }
  });
});

describe('replayEach', () => {
  /** Copies what it is shown of each identifier: it declares no personal data, so it must be shown none. */
  const copier = defineProjection<{ seen: unknown[] }>({
    name: 'identifier-copier',
    version: 1,
    consumes: ['IdentifierLinked'],
    initialState: { seen: [] },
    handlers: { IdentifierLinked: (state, event) => void state.seen.push(event.data.identifier.value) },
  });

  it('folds several projections in one read, each exactly as replayAll folds it alone, personal values withheld per projection', async () => {
    const cut = { knownAt: new Date(events[Math.floor(events.length * 0.8)]!.recordedAt) };
    const definitions = [customerView, trustScore, perType, copier] as const;
    const together = await replayEach(store, definitions, cut);
    for (const [i, definition] of definitions.entries()) {
      const alone = await replayAll(store, definition as never, cut);
      expect(together[i]!.key).toBe(alone.key);
      expect(together[i]!.position).toBe(alone.position);
      expect(await stateHash(together[i]!.readModels, together[i]!.key)).toEqual(await stateHash(alone.readModels, alone.key));
    }
    // customer-view, which declares the identifiers, was shown them in the same read the copier was not.
    const view = await stateOf(together[0]!.readModels, together[0]!.key, 'C0000001') as { identifiers: { value: string }[] };
    expect(view.identifiers.length).toBeGreaterThan(0);
    const copied: unknown[] = [];
    for await (const record of together[3]!.readModels.partitions(together[3]!.key)) copied.push(...(JSON.parse(record.state) as { seen: unknown[] }).seen);
    expect(copied.length).toBeGreaterThan(0);
    expect(copied.filter((value) => view.identifiers.some((i) => i.value === value))).toEqual([]);
    expect(new Set(copied)).toEqual(new Set([WITHHELD_VALUE]));
  });
});
