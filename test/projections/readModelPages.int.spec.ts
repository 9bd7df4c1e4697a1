import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getSqliteReadModelStore } from '@roc-ledger/projections';
import { rawDb, tempDataDir } from '../support/tempLedger.ts';

const pageSize = (path: string): number => {
  const db = rawDb(path);
  try {
    return (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
  } finally {
    db.close();
  }
};

const roundTrip = async (path: string): Promise<string | undefined> => {
  const readModels = getSqliteReadModelStore(path);
  await readModels.register('p@1', 'p', 1);
  // A state larger than a 4 KiB page, as many trust-score states are.
  const state = JSON.stringify({ contributions: Array.from({ length: 80 }, (_, i) => ({ at: `2024-01-${String((i % 28) + 1).padStart(2, '0')}`, effect: i % 5, rule: 'customer-contact' })) });
  await readModels.commit('p@1', { upserts: [{ partition: 'c1', state, maxOccurredMs: 1, maxRecordedMs: 1 }], deletes: [], position: 1, recordedAt: null });
  const loaded = await readModels.load('p@1', 'c1');
  await readModels.close();
  return loaded?.state === state ? 'same' : loaded?.state;
};

describe('SQLite read-model pages', () => {
  it('creates a new file with 8 KiB pages', async () => {
    const temp = tempDataDir();
    const path = join(temp.dir, 'readmodels.db');
    expect(await roundTrip(path)).toBe('same');
    expect(pageSize(path)).toBe(8192);
    temp.cleanup();
  });

  it('opens a file made with 4 KiB pages as it is, and stores states in it', async () => {
    const temp = tempDataDir();
    const path = join(temp.dir, 'readmodels.db');
    const old = rawDb(path);
    old.exec('PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE earlier (x INTEGER)');
    old.close();
    expect(await roundTrip(path)).toBe('same');
    expect(pageSize(path)).toBe(4096);
    temp.cleanup();
  });
});
