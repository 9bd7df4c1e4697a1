import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { defineProjection, getSqliteReadModelStore, ownedBy, ProjectionRuntime, ProjectionWorker, resolvePersonalReferences, shardOf, ShardFencedError, stateHash, type ShardedReadModelStore } from '@roc-ledger/projections';
import { MergeMap } from '@roc-ledger/identity';
import { trustScore } from '@roc-ledger/trust-score';
import type { EventStore } from '@roc-ledger/ledger';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { postgresReadModels, testPostgresUrl } from '../support/postgres.ts';
import { openStore, tempDataDir } from '../support/tempLedger.ts';

const temp = tempDataDir();
const postgres = postgresReadModels();
let store: EventStore;
let head = 0;
let clean: Awaited<ReturnType<typeof getSqliteReadModelStore>>;
const keys = ['customer-view@3', 'trust-score@103'];

beforeAll(async () => {
  const clock: SimClock = { now: new Date(0) };
  store = openStore(temp.dbPath, () => clock.now);
  await loadDemo(store, clock, { customers: 120, years: 1, seed: 'shards', merges: 6 });
  head = (await store.head()).position;
  // The reference: the same history folded by one unsharded runtime.
  clean = getSqliteReadModelStore(':memory:');
  const runtime = new ProjectionRuntime({ store, readModels: clean, definitions: [customerView, trustScore] });
  await runtime.start();
  await runtime.waitFor(head);
  await runtime.stop();
}, 120_000);
afterAll(async () => {
  await postgres.cleanup();
  await clean.close();
  await store.close();
  temp.cleanup();
});

const until = async (condition: () => Promise<boolean> | boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('shards', () => {
  it('are stable and spread partitions over every shard', () => {
    expect(shardOf('C0000007', 4)).toBe(shardOf('C0000007', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[shardOf(`C${String(i).padStart(7, '0')}`, 4)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
    expect(ownedBy({ index: shardOf('x', 3), count: 3 })('x')).toBe(true);
  });
});

describe('projector instances sharing shards on PostgreSQL', () => {
  it('split the shards between them and together fold exactly what one instance folds alone', async () => {
    const readModels = (await postgres.open()) as ShardedReadModelStore;
    const instance = (owner: string) =>
      new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore], folds: { shards: 4, owner, leaseTtlMs: 1500 }, commitEvery: 300 });
    const a = instance('a');
    await a.start();
    expect(a.heldShards).toEqual([0, 1, 2, 3]); // alone, it takes every shard
    const b = instance('b');
    await b.start();
    // a hands two shards back once it sees b alive; b takes them.
    await until(() => a.heldShards.length === 2 && b.heldShards.length === 2);
    expect([...a.heldShards, ...b.heldShards].sort()).toEqual([0, 1, 2, 3]);
    await a.waitFor(head);
    // Each version takes over once its last shard has caught up, whichever instance sees that first, a moment after its commit.
    await until(async () => (await Promise.all(keys.map((key) => readModels.row(key)))).every((row) => row!.active));
    for (const key of keys) {
      const row = (await readModels.row(key))!;
      expect(row).toMatchObject({ position: head, status: 'live', active: true });
      expect(await stateHash(readModels, key)).toEqual(await stateHash(clean, key));
      const shards = (await a.status()).find((s) => s.key === key)!.shards!;
      expect(shards.map((s) => s.owner).sort()).toEqual(['a', 'a', 'b', 'b']);
    }
    // The API side: a runtime that folds nothing answers from the shared states.
    const api = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore], folds: 'none' });
    await api.start();
    const someone = (await clean.partitions('customer-view@3')[Symbol.asyncIterator]().next()).value!.partition;
    const answer = await api.query('customer-view', someone);
    expect(answer).toMatchObject({ source: 'stored', partition: someone });
    // The stored state keeps identifiers and profile by reference; the answer has them opened.
    expect(answer!.result).toEqual(await resolvePersonalReferences(store, JSON.parse((await clean.load('customer-view@3', someone))!.state)));
    await api.stop();
    await b.stop();
    await until(() => a.heldShards.length === 4); // b left: a takes its shards back
    await a.stop();
  }, 120_000);

  it("fences a former holder: its commit after another instance took the shard stores nothing", async () => {
    const readModels = (await postgres.open()) as ShardedReadModelStore;
    await readModels.leases.prepare(2);
    const [slow] = await readModels.leases.acquire('slow', 1, 60_000);
    expect(slow).toEqual({ index: 0, epoch: 1 });
    const worker = new ProjectionWorker(customerView, store, readModels, { shard: { index: 0, count: 2, owner: 'slow', epoch: slow!.epoch } });
    await worker.open();
    const merges = new MergeMap();
    let folded = 0;
    for await (const event of store.readAll({ maxCount: 500 })) {
      await worker.apply(event, merges);
      folded = event.globalPosition;
    }
    // The slow holder's lease runs out (it stalled) and another instance takes the shard.
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    const schema = (await admin.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'projector_leases' AND table_schema LIKE 'test_%' ORDER BY table_schema`)).rows
      .map((r) => r.table_schema as string);
    for (const s of schema) await admin.query(`UPDATE "${s}".projector_leases SET expires_at = now() - interval '1 second' WHERE owner = 'slow'`);
    await admin.end();
    const [taken] = await readModels.leases.acquire('fast', 1, 60_000);
    expect(taken).toEqual({ index: 0, epoch: 2 });

    const error = await worker.commit().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ShardFencedError);
    expect((error as ShardFencedError).code).toBe('PROJ_ERR_SHARD_FENCED');
    expect(folded).toBe(500);
    expect((await readModels.shardRows('customer-view@3'))[0]).toMatchObject({ index: 0, position: 0, owner: 'fast' });
    expect(await readModels.isEmpty('customer-view@3')).toBe(true);
    expect(await readModels.leases.renew('slow', [slow!], 60_000)).toEqual([]);
  });

  it('lets one of two processes folding everything on the same read models fold, the other stand by, and refuses sharded projectors beside them', async () => {
    const readModels = (await postgres.open()) as ShardedReadModelStore;
    const whole = () => new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore] });
    const first = whole();
    const second = whole();
    await first.start();
    await second.start();
    expect([first.heldShards, second.heldShards]).toEqual([[0], []]);
    await second.waitFor(head);
    for (const key of keys) expect(await stateHash(readModels, key)).toEqual(await stateHash(clean, key));
    const projector = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore], folds: { shards: 4, owner: 'p', leaseTtlMs: 1500 } });
    await expect(projector.start()).rejects.toMatchObject({ code: 'PROJ_ERR_SHARD_COUNT' });
    await projector.stop();
    await first.stop();
    await until(() => second.heldShards.length === 1); // the one standing by takes over
    await second.stop();
  });

  it('refuses another shard count while shards stand at different positions', async () => {
    const readModels = (await postgres.open()) as ShardedReadModelStore;
    await readModels.registerShard('customer-view@3', 'customer-view', 2, { index: 0, count: 2 });
    await readModels.leases.prepare(2);
    const [lease] = await readModels.leases.acquire('x', 1, 60_000);
    await readModels.commit('customer-view@3', { upserts: [], deletes: [], position: 10, recordedAt: null, shard: { index: 0, count: 2, owner: 'x', epoch: lease!.epoch } });
    await expect(readModels.registerShard('customer-view@3', 'customer-view', 2, { index: 0, count: 3 })).rejects.toMatchObject({ code: 'PROJ_ERR_SHARD_COUNT' });
    await expect(readModels.leases.prepare(3)).rejects.toMatchObject({ code: 'PROJ_ERR_SHARD_COUNT' });
    expect((await readModels.row('customer-view@3'))!.position).toBe(0); // the lowest shard
  });
});

describe('a backfill', () => {
  it('lets timers run while it folds (lease renewals, HTTP requests), though the embedded store answers synchronously', async () => {
    // A slow handler: half a millisecond of work per event.
    const spin = () => {
      const until = performance.now() + 0.5;
      while (performance.now() < until);
    };
    const busy = defineProjection({
      name: 'busy',
      version: 1,
      consumes: ['InteractionRecorded', 'PurchaseMade', 'OfferPresented'],
      initialState: { n: 0 },
      handlers: {
        InteractionRecorded: (state) => void (spin(), state.n++),
        PurchaseMade: (state) => void (spin(), state.n++),
        OfferPresented: (state) => void (spin(), state.n++),
      },
    });
    const runtime = new ProjectionRuntime({ store, readModels: getSqliteReadModelStore(':memory:'), definitions: [busy] });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const started = performance.now();
    await runtime.start();
    await runtime.waitFor(head);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    await runtime.stop();
    expect(elapsed).toBeGreaterThan(200);
    // Without yielding, the whole backfill runs on promises and the timer never fires.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 100));
  });
});

