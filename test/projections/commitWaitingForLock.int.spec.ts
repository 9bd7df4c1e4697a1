import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSqliteReadModelStore, type PartitionRecord } from '@roc-ledger/projections';
import { rawDb, tempDataDir } from '../support/tempLedger.ts';

describe('a SQLite read-model commit that waits for another connection’s write lock', () => {
  it('serialises its states while it waits, then stores them all with the checkpoint', async () => {
    const temp = tempDataDir();
    const path = join(temp.dir, 'readmodels.db');
    const readModels = getSqliteReadModelStore(path);
    await readModels.register('p@1', 'p', 1);
    // Another connection (a backfill thread committing) holds the write lock for 300 ms.
    const other = rawDb(path);
    other.exec('BEGIN IMMEDIATE');
    const released = new Promise<number>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT');
        resolve(performance.now());
      }, 300),
    );
    const producedAt: number[] = [];
    function* upserts(): Generator<PartitionRecord> {
      for (let i = 0; i < 2000; i++) {
        producedAt.push(performance.now());
        yield { partition: `c${String(i).padStart(4, '0')}`, state: JSON.stringify({ i }), maxOccurredMs: i, maxRecordedMs: i };
      }
    }
    await readModels.commit('p@1', { upserts: upserts(), deletes: [], position: 42, recordedAt: null });
    const releasedAt = await released;
    // Every state was produced while the lock was held elsewhere, none after.
    expect(producedAt.length).toBe(2000);
    expect(Math.max(...producedAt)).toBeLessThan(releasedAt);
    expect((await readModels.row('p@1'))?.position).toBe(42);
    const stored: string[] = [];
    for await (const record of readModels.partitions('p@1')) stored.push(record.state);
    expect(stored).toEqual(Array.from({ length: 2000 }, (_, i) => JSON.stringify({ i })));
    other.close();
    await readModels.close();
    temp.cleanup();
  });
});
