import { afterEach, describe, expect, it } from 'vitest';
import { getSqliteReadModelStore, ShardCountMismatchError, ShardFencedError, type ThreadShardedReadModelStore } from '@roc-ledger/projections';

const KEY = 'customer-view@3';
const fence = (index: number, count = 2) => ({ index, count, owner: 'backfill', epoch: 0 });
const commit = (store: ThreadShardedReadModelStore, shard: number, position: number, partition = `C${shard}`) =>
  store.commit(KEY, { upserts: [{ partition, state: `{"at":${position}}`, maxOccurredMs: 0, maxRecordedMs: 0 }], deletes: [], position, recordedAt: `2026-01-01T00:00:${String(position % 60).padStart(2, '0')}.000Z`, shard: fence(shard) });

let store: ThreadShardedReadModelStore;
afterEach(() => store.close());

describe('shard checkpoints in SQLite read models (backfill threads)', () => {
  it('lays the shards out at the projection\'s checkpoint, sums them up in its row, and folds them into it once they stand at one position', async () => {
    store = getSqliteReadModelStore(':memory:');
    await store.register(KEY, 'customer-view', 2);
    await store.commit(KEY, { upserts: [], deletes: [], position: 5, recordedAt: null });
    expect(await store.registerShard(KEY, 'customer-view', 2, fence(1))).toEqual({ position: 5, recordedAt: null });
    expect((await store.shardRows(KEY)).map((s) => [s.index, s.count, s.position, s.status])).toEqual([[0, 2, 5, 'building'], [1, 2, 5, 'building']]);

    await commit(store, 0, 10);
    await commit(store, 1, 20, 'C1');
    expect(await store.row(KEY)).toMatchObject({ position: 10, recordedAt: '2026-01-01T00:00:10.000Z' });
    expect(await store.unshard(KEY)).toBe(false);
    expect(await store.shardRows(KEY)).toHaveLength(2);

    await commit(store, 0, 20);
    expect(await store.unshard(KEY)).toBe(true);
    expect(await store.shardRows(KEY)).toEqual([]);
    expect(await store.row(KEY)).toMatchObject({ position: 20 });
    expect((await store.load(KEY, 'C0'))!.state).toBe('{"at":20}');
    expect(await store.unshard(KEY)).toBe(true); // nothing left to fold
  });

  it('refuses a commit to a shard no longer laid out, storing nothing of it', async () => {
    store = getSqliteReadModelStore(':memory:');
    await store.registerShard(KEY, 'customer-view', 2, fence(0));
    await commit(store, 0, 3);
    await commit(store, 1, 3);
    expect(await store.unshard(KEY)).toBe(true);
    const error = await commit(store, 1, 9, 'C9').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ShardFencedError);
    expect(await store.load(KEY, 'C9')).toBeUndefined();
    expect(await store.row(KEY)).toMatchObject({ position: 3 });
  });

  it('splits the shards another way only while they stand at one position', async () => {
    store = getSqliteReadModelStore(':memory:');
    await store.registerShard(KEY, 'customer-view', 2, fence(0));
    await commit(store, 0, 4);
    const error = await store.registerShard(KEY, 'customer-view', 2, fence(0, 3)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ShardCountMismatchError);
    expect((error as Error).message).toContain('2 shards standing at positions 0 to 4');
    await commit(store, 1, 4);
    expect(await store.registerShard(KEY, 'customer-view', 2, fence(2, 3))).toEqual({ position: 4, recordedAt: '2026-01-01T00:00:04.000Z' });
    expect((await store.shardRows(KEY)).map((s) => s.count)).toEqual([3, 3, 3]);
  });

  it('marks the projection failed when one shard fails, and live once every shard is', async () => {
    store = getSqliteReadModelStore(':memory:');
    await store.registerShard(KEY, 'customer-view', 2, fence(0));
    await store.commit(KEY, { upserts: [], deletes: [], position: 7, recordedAt: null, status: 'live', shard: fence(0) });
    expect(await store.row(KEY)).toMatchObject({ status: 'building' });
    await store.commit(KEY, { upserts: [], deletes: [], position: 7, recordedAt: null, status: 'live', shard: fence(1) });
    expect(await store.row(KEY)).toMatchObject({ status: 'live', position: 7 });
    await store.setStatus(KEY, 'failed', { message: 'cannot read this note' }, fence(1));
    expect(await store.row(KEY)).toMatchObject({ status: 'failed', error: { message: 'cannot read this note' } });
    await store.drop(KEY);
    expect(await store.shardRows(KEY)).toEqual([]);
  });
});
