import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { uuidv7 } from '@roc-ledger/events';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import {
  defineProjection,
  getSqliteReadModelStore,
  ProjectionRuntime,
  replayAll,
  replayCustomer,
  stateHash,
  type ProjectionDefinition,
  type ReadModelStore,
} from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { fragile as fragileAt } from '../support/backfillContext.ts';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { postgresReadModels } from '../support/postgres.ts';
import { contract } from '../support/tempLedger.ts';

const clock: SimClock = { now: new Date(0) };
let store: EventStore;

beforeAll(async () => {
  store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, { customers: 60, years: 2, seed: 'projections', merges: 5 });
}, 60_000);
afterAll(() => store.close());

const postgres = postgresReadModels();
afterAll(() => postgres.cleanup());

/** The same suite on each read-model store: states must come out byte-identical on both. */
const READ_MODEL_STORES: [string, () => Promise<ReadModelStore>][] = [
  ['SQLite', async () => getSqliteReadModelStore(':memory:')],
  ['PostgreSQL', () => postgres.open()],
];

for (const [storeName, openReadModels] of READ_MODEL_STORES) {
  const build = async (definitions: ProjectionDefinition<any>[], options: { commitEvery?: number; readModels?: ReadModelStore } = {}) => {
    const readModels = options.readModels ?? (await openReadModels());
    const runtime = new ProjectionRuntime({ store, readModels, definitions, ...(options.commitEvery ? { commitEvery: options.commitEvery } : {}) });
    await runtime.start();
    await runtime.waitFor((await store.head()).position);
    return { runtime, readModels };
  };

  describe(`the projection runtime, read models in ${storeName}`, () => {
    it('rebuilds byte-identical states twice and with other commit sizes, and agrees with a replay of the log', async () => {
      const hashes: { hash: string; partitions: number }[][] = [];
      for (const commitEvery of [10_000, 10_000, 7, 1]) {
        const { runtime, readModels } = await build([customerView, trustScore], { commitEvery });
        hashes.push([await stateHash(readModels, 'customer-view@3'), await stateHash(readModels, 'trust-score@103')]);
        await runtime.stop();
      }
      expect(hashes[0]![0]!.partitions).toBeGreaterThan(50);
      for (const h of hashes.slice(1)) expect(h).toEqual(hashes[0]);
      const replayed = await replayAll(store, customerView);
      expect(await stateHash(replayed.readModels, 'customer-view@3')).toEqual(hashes[0]![0]);
    }, 120_000); // committing after every event is thousands of PostgreSQL commits

    it('lists the partition keys of the version answering, a page at a time, as the stored states are ordered', async () => {
      const { runtime, readModels } = await build([customerView]);
      const all: string[] = [];
      for await (const record of readModels.partitions('customer-view@3')) all.push(record.partition);
      expect(all.length).toBeGreaterThan(50);
      const paged: string[] = [];
      for (let after: string | undefined; ; ) {
        const page = await runtime.partitionKeys('customer-view', { ...(after !== undefined ? { after } : {}), limit: 7 });
        expect(page.key).toBe('customer-view@3');
        expect(page.partitions.length).toBeLessThanOrEqual(7);
        paged.push(...page.partitions);
        if (page.partitions.length < 7) break;
        after = page.partitions.at(-1);
      }
      expect(paged).toEqual(all);
      await expect(runtime.partitionKeys('no-such-projection', { limit: 1 })).rejects.toMatchObject({ code: 'PROJ_ERR_UNKNOWN_PROJECTION' });
      await runtime.stop();
    });

    it('folds a merged customer into its survivor, exactly as if one customer all along', async () => {
      const { runtime, readModels } = await build([customerView]);
      const merges = [];
      for await (const event of store.readAll({ types: ['CustomersMerged'] })) merges.push(event.data as { survivorId: string; mergedId: string });
      expect(merges).toHaveLength(5);
      for (const { survivorId, mergedId } of merges) {
        expect(await readModels.load('customer-view@3', mergedId)).toBeUndefined();
        const answer = await runtime.query('customer-view', mergedId, { query: 'view' });
        const view = answer!.result as { customerId: string; mergedIds: string[]; purchases: { count: number; minor: number }; identifiers: { kind: string }[]; offers: { last90Days: unknown } };
        expect(view.customerId).toBe(survivorId);
        expect(view.mergedIds).toEqual([mergedId]);
        expect(view.purchases.count).toBe(2);
        expect(new Set(view.identifiers.map((i) => i.kind))).toEqual(new Set(['loyaltyCard', 'webVisitorId']));
        const replayed = await replayCustomer(store, customerView, runtime['runnerOf']('customer-view@3')!.mergeMap, survivorId, {});
        expect(JSON.parse((await readModels.load('customer-view@3', survivorId))!.state)).toEqual(JSON.parse(JSON.stringify(replayed!.state)));
      }
      await runtime.stop();
    });

    it('answers as of a valid time and as known at a transaction time, from the stored state only where it is proven identical', async () => {
      const { runtime } = await build([customerView, trustScore]);
      const head = await store.head();
      const customers = new Set<string>();
      for await (const event of store.readAll({ types: ['CustomerRegistered'] })) customers.add(event.streamId.slice('customer-'.length));
      const sample = [...customers].filter((_, i) => i % 6 === 0);
      const cuts = [
        {},
        { asOf: new Date('2023-07-01T00:00:00Z') },
        { knownAt: new Date('2023-10-01T00:00:00Z') },
        { asOf: new Date('2024-03-01T00:00:00Z'), knownAt: new Date('2024-02-01T00:00:00Z') },
        { asOf: new Date('2030-01-01T00:00:00Z'), knownAt: new Date(head.recordedAt!) },
      ];
      let stored = 0;
      let replayed = 0;
      for (const customerId of sample) {
        for (const cut of cuts) {
          const answer = await runtime.query('trust-score', customerId, { query: 'score', ...cut });
          const replay = await replayCustomer(store, trustScore, runtime['runnerOf']('trust-score@103')!.mergeMap, customerId, cut);
          if (!replay) {
            expect(answer).toBeUndefined();
            continue;
          }
          const at = cut.asOf ?? new Date(answer!.at);
          expect(answer!.result).toEqual(trustScore.queries!.score!(JSON.parse(JSON.stringify(replay.state)), { at, partition: replay.partition }));
          if (answer!.source === 'stored') stored++;
          else replayed++;
        }
      }
      // The uncut and the all-covering cuts come from the stored state; the earlier cuts are replayed.
      expect(stored).toBeGreaterThanOrEqual(sample.length * 2);
      expect(replayed).toBeGreaterThanOrEqual(sample.length / 2);
      await runtime.stop();
    });

    it('stops a projection whose handler throws at that event, with its state as of the event before, while the others carry on', async () => {
      const target = (await collectTypes(store, 'SentimentRecorded'))[7]!;
      // It changes the state before it throws: the change must not survive the failure.
      const failing = fragileAt(target.eventId);
      const failures: unknown[] = [];
      const readModels = await openReadModels();
      const runtime = new ProjectionRuntime({ store, readModels, definitions: [failing, customerView], commitEvery: 50, onFailure: (key, error) => failures.push({ key, ...error.toJSON() }) });
      await runtime.start();
      await runtime.waitFor((await store.head()).position);
      const rows = await runtime.status();
      const fragile = rows.find((r) => r.key === 'fragile@1')!;
      expect(fragile).toMatchObject({ status: 'failed', position: target.globalPosition - 1, running: false });
      expect(fragile.error).toMatchObject({ code: 'PROJ_ERR_HANDLER_FAILED', projection: 'fragile@1', eventId: target.eventId, position: target.globalPosition, type: 'SentimentRecorded' });
      expect(failures).toHaveLength(1);
      expect(rows.find((r) => r.key === 'customer-view@3')).toMatchObject({ status: 'live', lagEvents: 0 });
      // Its stored states are those of the log up to the event before.
      const expected = new Map<string, number>();
      const { mergeMap } = runtime['runnerOf']('fragile@1')!;
      for await (const event of store.readAll({ types: ['SentimentRecorded', 'PurchaseMade'] })) {
        if (event.globalPosition >= target.globalPosition) break;
        const customer = mergeMap.canonical(event.streamId.slice('customer-'.length));
        expected.set(customer, (expected.get(customer) ?? 0) + 1);
      }
      const actual = new Map<string, number>();
      for await (const record of readModels.partitions('fragile@1')) actual.set(record.partition, (JSON.parse(record.state) as { n: number }).n);
      expect(actual).toEqual(expected);
      await runtime.stop();
    });

    it('keeps the old version answering until the new one has caught up, then drops it (blue/green)', async () => {
      const counter = (version: number) =>
        defineProjection<{ purchases: number }>({
          name: 'purchases',
          version,
          consumes: ['PurchaseMade'],
          initialState: { purchases: 0 },
          handlers: {
            PurchaseMade: (draft) => {
              draft.purchases += version;
            },
          },
        });
      const readModels = await openReadModels();
      const first = await build([counter(1)], { readModels });
      await first.runtime.stop();
      const customer = (await readModels.partitions('purchases@1')[Symbol.asyncIterator]().next()).value!.partition;
      const v1 = await first.runtime.query('purchases', customer);

      const runtime = new ProjectionRuntime({ store, readModels, definitions: [counter(1), counter(2)] });
      const during = runtime.start().then(() => runtime.query('purchases', customer));
      const answeredDuring = await during;
      await runtime.waitFor((await store.head()).position);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = await runtime.query('purchases', customer);
      expect(answeredDuring!.projection).toMatch(/^purchases@[12]$/);
      expect(after!.projection).toBe('purchases@2');
      expect((after!.result as { purchases: number }).purchases).toBe(2 * (v1!.result as { purchases: number }).purchases);
      expect((await readModels.rows()).map((r) => r.key)).toEqual(['purchases@2']);
      await runtime.stop();
    });

    it('follows appends live after the backfill', async () => {
      const { runtime } = await build([customerView]);
      const customer = (await collectTypes(store, 'CustomerRegistered'))[0]!.streamId.slice('customer-'.length);
      const before = (await runtime.query('customer-view', customer))!.result as { purchases: { count: number } };
      clock.now = new Date(clock.now.getTime() + 60_000);
      const appended = await store.append(`customer-${customer}`, [
        contract.parse({
          eventId: uuidv7(), // each store's run appends its own
          type: 'PurchaseMade',
          schemaVersion: 2,
          customer: { kind: 'customerId', value: customer },
          channel: 'web',
          source: 'test',
          occurredAt: clock.now.toISOString(),
          data: { orderId: `live-${storeName}`, amount: { minor: 999, currency: 'EUR' } },
        }),
      ]);
      await runtime.waitFor(appended.events[0]!.globalPosition);
      const after = (await runtime.query('customer-view', customer))!.result as { purchases: { count: number } };
      expect(after.purchases.count).toBe(before.purchases.count + 1);
      await runtime.stop();
    });
  });

  const collectTypes = async (store: EventStore, type: string) => {
    const events = [];
    for await (const event of store.readAll({ types: [type] })) events.push(event);
    return events;
  };
}
