import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '@roc-ledger/events';
import type { EventStore, RecordedEvent } from '@roc-ledger/ledger';
import { customerView } from '@roc-ledger/customer-view';
import { defineProjection, getSqliteReadModelStore, ProjectionRuntime, projectionKey, replayAll, replayOnThreads, stateHash, type Cut, type ProjectionDefinition, type ReadModelStore, type RuntimeOptions } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { fragile, globalCount, openSealedStore, testDefinitions, type TestBackfillData } from '../support/backfillContext.ts';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { tempDataDir } from '../support/tempLedger.ts';

const temp = tempDataDir();
const clock: SimClock = { now: new Date(0) };
let store: EventStore;
let closeKeys: () => Promise<void>;
let files = 0;
const readModelsFile = () => join(temp.dir, `readmodels-${++files}.db`);

beforeAll(async () => {
  const opened = openSealedStore(temp.dbPath, () => clock.now);
  store = opened.store;
  closeKeys = () => opened.keys.close();
  await loadDemo(store, clock, { customers: 80, years: 2, seed: 'backfill-threads', merges: 5 });
}, 120_000);
afterAll(async () => {
  await store.close();
  await closeKeys();
  temp.cleanup();
});

const KEYS = ['customer-view@3', 'trust-score@103'];

/** A runtime over the test ledger; with `threads`, projections backfill on threads (the per-customer ones in two shards). */
const runtimeOn = (readModelsPath: string, options: { threads?: boolean; failAt?: string; logs?: string[]; memoryReturnedMs?: number } & Partial<RuntimeOptions> = {}) => {
  const { threads, failAt, logs, memoryReturnedMs, ...rest } = options;
  const data: TestBackfillData = { dbPath: temp.dbPath, readModelsPath, ...(failAt ? { failAt } : {}) };
  const readModels = getSqliteReadModelStore(readModelsPath);
  const runtime = new ProjectionRuntime({
    store,
    readModels,
    definitions: testDefinitions(data),
    ...(threads ? { backfill: { module: import.meta.resolve('../support/backfillContext.ts'), data, minEvents: 1, threads: 2, ...(memoryReturnedMs ? { memoryReturnedMs } : {}) } } : {}),
    log: (message, fields) => logs?.push(`${message} ${JSON.stringify(fields ?? {})}`),
    ...rest,
  });
  return { runtime, readModels };
};

/** What each backfill thread committed as it finished, from the runtime's log. */
const threadsDone = (logs: string[]) =>
  logs.filter((l) => l.startsWith('backfill thread done')).map((l) => JSON.parse(l.slice(l.indexOf('{'))) as { thread: string; positions: Record<string, number> });

const hashes = async (readModels: ReturnType<typeof getSqliteReadModelStore>) => Promise.all(KEYS.map((key) => stateHash(readModels, key)));

/** The states an in-process rebuild gives at the current head. */
const reference = async () => {
  const { runtime, readModels } = runtimeOn(readModelsFile());
  await runtime.start();
  await runtime.waitFor((await store.head()).position);
  const result = await hashes(readModels);
  await runtime.stop();
  await readModels.close();
  return result;
};

describe('backfill on threads', () => {
  it('folds the projections on two threads, a shard of the customers each, to the same bytes as the runtime folds them itself, then follows the log here', async () => {
    const expected = await reference();
    const logs: string[] = [];
    const { runtime, readModels } = runtimeOn(readModelsFile(), { threads: true, logs });
    const head = (await store.head()).position;
    await runtime.start();
    await runtime.waitFor(head);
    // Both threads folded both projections (merges among the customers included) and stopped exactly at the head.
    const done = threadsDone(logs);
    expect(done.map((d) => d.thread).sort()).toEqual([`${KEYS.join(', ')} shard 1/2`, `${KEYS.join(', ')} shard 2/2`]);
    for (const { positions } of done) expect(positions).toEqual(Object.fromEntries(KEYS.map((key) => [key, head])));
    expect(await hashes(readModels)).toEqual(expected);
    // Met at one position, the shards were folded into one checkpoint again.
    for (const key of KEYS) expect(await readModels.shardRows(key)).toEqual([]);
    expect(expected[0]!.partitions).toBeGreaterThan(50);
    const status = await runtime.status();
    for (const key of KEYS) expect(status.find((s) => s.key === key)).toMatchObject({ status: 'live', lagEvents: 0, running: true });
    await runtime.stop();
    await readModels.close();
  }, 120_000);

  it('folds the events appended during the backfill too, on the thread or after the hand-over', async () => {
    const logs: string[] = [];
    const { runtime, readModels } = runtimeOn(readModelsFile(), { threads: true, logs });
    await runtime.start();
    const streamId = 'customer-C0000003';
    const appended = await store.append(streamId, Array.from({ length: 12 }, (_, i) => ({
      eventId: uuidv7(), type: 'InteractionRecorded', schemaVersion: 1, customer: { kind: 'customerId', value: 'C0000003' }, channel: 'phone', source: 'test',
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), data: { kind: 'call', initiatedBy: 'customer' },
    })));
    const head = appended.events.at(-1)!.globalPosition;
    await runtime.waitFor(head);
    expect(threadsDone(logs)).toHaveLength(2);
    expect(await hashes(readModels)).toEqual(await reference());
    const view = await runtime.query('customer-view', 'C0000003');
    expect((view!.result as { channels: Record<string, { events: number }> }).channels.phone!.events).toBeGreaterThanOrEqual(12);
    await runtime.stop();
    await readModels.close();
  }, 120_000);

  it('stops a failing projection at its event, reported by the runtime, while the others carry on', async () => {
    let target: RecordedEvent | undefined;
    let seen = 0;
    for await (const event of store.readAll({ types: ['SentimentRecorded'] })) if (++seen === 20) target = event;
    const failures: { key: string; eventId: string; position: number }[] = [];
    const { runtime, readModels } = runtimeOn(readModelsFile(), {
      threads: true,
      failAt: target!.eventId,
      onFailure: (key, error) => failures.push({ key, eventId: error.eventId, position: error.position }),
    });
    await runtime.start();
    await runtime.waitFor((await store.head()).position);
    expect(failures).toEqual([{ key: 'fragile@1', eventId: target!.eventId, position: target!.globalPosition }]);
    const status = await runtime.status();
    expect(status.find((s) => s.key === 'fragile@1')).toMatchObject({ status: 'failed', position: target!.globalPosition - 1, running: false });
    for (const key of KEYS) expect(status.find((s) => s.key === key)).toMatchObject({ status: 'live', lagEvents: 0 });
    await runtime.stop();
    await readModels.close();
  }, 120_000);

  it('commits what the threads folded when the runtime stops mid-backfill, and the next start resumes from there', async () => {
    const path = readModelsFile();
    let stopping: Promise<void> | undefined;
    let stopAt!: (position: number) => void;
    const stoppedAt = new Promise<number>((resolve) => (stopAt = resolve));
    const first = runtimeOn(path, {
      threads: true,
      // Small pages and frequent commits: the threads are still early in the log when the stop reaches them.
      commitEvery: 20,
      pageSize: 10,
      // Stopped at the threads' first report.
      onProgress: (p) => {
        if (stopping) return;
        stopping = first.runtime.stop();
        stopAt(p.position);
      },
    });
    await first.runtime.start();
    const position = await stoppedAt;
    await stopping;
    const rows = await first.readModels.rows();
    const head = (await store.head()).position;
    for (const key of KEYS) {
      const row = rows.find((r) => r.key === key)!;
      // Committed along the way and at the stop: at least what the report had seen of the slowest thread, not yet the head.
      expect(row.position).toBeGreaterThanOrEqual(position);
      expect(row.position).toBeLessThan(head);
      // Each shard from its own checkpoint, the row at the lowest of them.
      const shards = await first.readModels.shardRows(key);
      expect(shards.map((s) => s.count)).toEqual([2, 2]);
      expect(Math.min(...shards.map((s) => s.position))).toBe(row.position);
    }
    await first.readModels.close();
    // Without threads the runtime folds the shards on from their own checkpoints itself.
    const second = runtimeOn(path);
    await second.runtime.start();
    await second.runtime.waitFor(head);
    expect(await hashes(second.readModels)).toEqual(await reference());
    await second.runtime.stop();
    await second.readModels.close();
    // Caught up, the shards stand at one position: the next start folds each projection unsharded again.
    const third = runtimeOn(path);
    await third.runtime.start();
    for (const key of KEYS) {
      expect(await third.readModels.shardRows(key)).toEqual([]);
      expect((await third.readModels.row(key))!.position).toBe(head);
    }
    await third.runtime.stop();
    await third.readModels.close();
  }, 120_000);

  it('backfills a projection added while running on threads as well, to the same bytes, or here when the threads cannot load it', async () => {
    const expected = await reference();
    const logs: string[] = [];
    const { runtime, readModels } = runtimeOn(readModelsFile(), { threads: true, logs, definitions: [trustScore] });
    const head = (await store.head()).position;
    await runtime.start();
    await runtime.waitFor(head);
    expect(threadsDone(logs).map((d) => d.thread).sort()).toEqual(['trust-score@103 shard 1/2', 'trust-score@103 shard 2/2']);
    // customer-view, which the threads' context defines: on two threads, a shard each.
    await runtime.add(customerView);
    expect((await runtime.status()).find((s) => s.key === 'customer-view@3')).toMatchObject({ running: true });
    // Its threads commit as they go: it cannot be removed until they are done.
    await expect(runtime.remove('customer-view')).rejects.toMatchObject({ code: 'PROJ_ERR_NOT_REMOVABLE' });
    await runtime.waitFor(head);
    expect(threadsDone(logs).map((d) => d.thread).filter((t) => t.startsWith('customer-view')).sort()).toEqual(['customer-view@3 shard 1/2', 'customer-view@3 shard 2/2']);
    expect(await hashes(readModels)).toEqual(expected);
    // A projection the threads' context does not define: its threads stop, and this runtime folds it from its checkpoint.
    const visits = defineProjection<{ n: number }>({ name: 'visits', version: 1, consumes: ['InteractionRecorded'], initialState: { n: 0 }, handlers: { InteractionRecorded: (draft) => void (draft.n += 1) } });
    await runtime.add(visits);
    await runtime.waitFor(head);
    expect(logs.some((l) => l.startsWith('a backfill thread stopped') && l.includes('visits@1'))).toBe(true);
    const alone = runtimeOn(readModelsFile(), { definitions: [visits] });
    await alone.runtime.start();
    await alone.runtime.waitFor(head);
    expect(await stateHash(readModels, 'visits@1')).toEqual(await stateHash(alone.readModels, 'visits@1'));
    expect((await stateHash(readModels, 'visits@1')).partitions).toBeGreaterThan(50);
    // Removed once folded here: its states and row go, the others' stay as they were.
    expect(await runtime.remove('visits')).toEqual(['visits@1']);
    expect(await readModels.isEmpty('visits@1')).toBe(true);
    expect(await readModels.row('visits@1')).toBeUndefined();
    expect(await hashes(readModels)).toEqual(expected);
    await alone.runtime.stop();
    await alone.readModels.close();
    await runtime.stop();
    await readModels.close();
  }, 120_000);

  it('runs no more threads at once than it shards the customers into, and hands each projection over when its own threads are done', async () => {
    const expected = await reference();
    const logs: string[] = [];
    const data: TestBackfillData = { dbPath: temp.dbPath, readModelsPath: readModelsFile(), globalCount: true };
    const readModels = getSqliteReadModelStore(data.readModelsPath);
    const runtime = new ProjectionRuntime({
      store,
      readModels,
      definitions: testDefinitions(data),
      backfill: { module: import.meta.resolve('../support/backfillContext.ts'), data, minEvents: 1, threads: 2 },
      log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`),
    });
    const head = (await store.head()).position;
    await runtime.start();
    await runtime.waitFor(head);
    // The global projection's thread started only once a shard's had ended, so it ended last.
    expect(threadsDone(logs).map((d) => d.thread)).toEqual([expect.stringMatching(/shard/), expect.stringMatching(/shard/), 'events@1']);
    // The per-customer projections answered while the global one's thread still folded (it loads its modules first).
    const at = (prefix: string) => logs.findIndex((l) => l.startsWith(prefix));
    expect(at('projection version now answers {"key":"customer-view@3"}')).toBeGreaterThanOrEqual(0);
    expect(at('projection version now answers {"key":"customer-view@3"}')).toBeLessThan(at('backfill thread done {"thread":"events@1"'));
    expect(await hashes(readModels)).toEqual(expected);
    let counted = 0;
    for await (const event of store.readAll({ types: ['InteractionRecorded', 'PurchaseMade'] })) if (event.globalPosition <= head) counted++;
    expect((await runtime.query('events', '*'))!.result).toEqual({ n: counted });
    await runtime.stop();
    await readModels.close();
  }, 120_000);

  it("says when the threads' memory is back with the system: some time after they ended, and at once when none ran", async () => {
    const { runtime, readModels } = runtimeOn(readModelsFile(), { threads: true, memoryReturnedMs: 3_000 });
    await runtime.start();
    let returned = false;
    const memoryReturned = runtime.backfillMemoryReturned().then(() => (returned = true));
    await runtime.backfilled();
    // The threads have ended and handed their projections over; their memory is not yet back.
    expect(returned).toBe(false);
    const handedOver = performance.now();
    await memoryReturned;
    expect(performance.now() - handedOver).toBeGreaterThan(1_000);
    await runtime.stop();
    await readModels.close();

    const here = runtimeOn(readModelsFile());
    await here.runtime.start();
    const asked = performance.now();
    await here.runtime.backfillMemoryReturned();
    expect(performance.now() - asked).toBeLessThan(100);
    await here.runtime.stop();
    await here.readModels.close();
  });
});

describe('replayOnThreads (project run on threads)', () => {
  const onThreads = async (definitions: ProjectionDefinition<any>[], cut: Cut, data: Partial<TestBackfillData> = {}) => {
    const readModelsPath = readModelsFile();
    const head = await store.head();
    return replayOnThreads(definitions, {
      backfill: { module: import.meta.resolve('../support/backfillContext.ts'), data: { dbPath: temp.dbPath, readModelsPath, ...data } },
      readModelsPath,
      threads: 3,
      until: { position: head.position, recordedAt: head.recordedAt },
      cut,
    });
  };

  it('folds per-customer projections together to the states replayAll gives each, in every cut, with merges inside and outside it', async () => {
    let events: RecordedEvent[] = [];
    for await (const event of store.readAll()) events.push(event);
    const merges = events.filter((e) => e.type === 'CustomersMerged');
    expect(merges.length).toBeGreaterThanOrEqual(4);
    const middle = events[Math.floor(events.length / 2)]!;
    // A purchase of a merged-away customer, recorded after the merges but dated before the middle: in a
    // cut by that date it is the customer's own, the merge (dated later) being outside the cut.
    const absorbed = (merges[0]!.data as { mergedId: string }).mergedId;
    clock.now = new Date(Date.parse(events.at(-1)!.recordedAt) + 60_000);
    await store.append(`customer-${absorbed}`, [
      { eventId: uuidv7(), type: 'PurchaseMade', schemaVersion: 2, customer: { kind: 'customerId', value: absorbed }, channel: 'store', source: 'test', occurredAt: new Date(Date.parse(middle.occurredAt) - 86_400_000).toISOString(), data: { orderId: 'late-1', amount: { minor: 4200, currency: 'EUR' } } },
    ] as never);
    events = [];
    for await (const event of store.readAll()) events.push(event);
    const cuts: Cut[] = [
      {},
      { asOf: new Date(middle.occurredAt) },
      // Some merges recorded by then, the others not: customers joined by the first only.
      { knownAt: new Date(merges[1]!.recordedAt) },
      { asOf: new Date(merges[2]!.occurredAt), knownAt: new Date(merges[3]!.recordedAt) },
    ];
    const partitions = async (readModels: ReadModelStore, key: string) => {
      const all: string[] = [];
      for await (const record of readModels.partitions(key)) all.push(record.partition);
      return all;
    };
    for (const cut of cuts) {
      const threaded = (await onThreads([customerView, trustScore], cut))!;
      expect(threaded.keys).toEqual(KEYS);
      for (const definition of [customerView, trustScore] as ProjectionDefinition<any>[]) {
        const key = projectionKey(definition);
        const single = await replayAll(store, definition, cut);
        expect(threaded.position).toBe(single.position);
        const names = await partitions(single.readModels, key);
        expect(names.length).toBeGreaterThan(0);
        expect(await partitions(threaded.readModels, key)).toEqual(names);
        expect(await stateHash(threaded.readModels, key)).toEqual(await stateHash(single.readModels, key));
        await single.readModels.close();
      }
      await threaded.readModels.close();
    }
  }, 120_000);

  it('answers undefined, for the caller to fold on one thread, when a handler throws on a thread, a projection is not per customer, or two share a key', async () => {
    let sentiment!: RecordedEvent;
    for await (const event of store.readAll({ types: ['SentimentRecorded'], maxCount: 40 })) sentiment = event;
    expect(await onThreads([fragile(sentiment.eventId)], {}, { failAt: sentiment.eventId })).toBeUndefined();
    expect(await onThreads([customerView, globalCount], {}, { globalCount: true })).toBeUndefined();
    // Two versions of one name and version (an edited module diffed against its old file) cannot share a store.
    expect(await onThreads([trustScore, trustScore], {})).toBeUndefined();
  }, 60_000);
});
