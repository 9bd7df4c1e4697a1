import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createContract } from '@roc-ledger/events';
import { getSqliteEventStore } from './getSqliteEventStore.ts';

const contract = createContract({ reportingCurrency: 'EUR' });
const pageSizeOf = (path: string): number => {
  const db = new DatabaseSync(path);
  try {
    return (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
  } finally {
    db.close();
  }
};

/** Appends one registration and reads the log back: the store works in the file as it is. */
const appendAndRead = async (path: string): Promise<string[]> => {
  const store = getSqliteEventStore({ path, contract });
  await store.append('customer-c1', [
    contract.parse({ eventId: '0190f3a0-0000-7000-8000-000000000001', type: 'CustomerRegistered', schemaVersion: 1, customer: { kind: 'customerId', value: 'c1' }, channel: 'web', source: 'test', occurredAt: '2024-01-01T00:00:00.000Z', data: { origin: 'signup' } }),
  ]);
  const types: string[] = [];
  for await (const event of store.readAll()) types.push(event.type);
  await store.close();
  return types;
};

describe('event-store pages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-pages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a new file with 8 KiB pages', async () => {
    const path = join(dir, 'new.db');
    expect(await appendAndRead(path)).toEqual(['CustomerRegistered']);
    expect(pageSizeOf(path)).toBe(8192);
  });

  it('opens a file made with 4 KiB pages as it is, and appends to it', async () => {
    const path = join(dir, 'older.db');
    const older = new DatabaseSync(path);
    older.exec('PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE earlier (x INTEGER)');
    older.close();
    expect(await appendAndRead(path)).toEqual(['CustomerRegistered']);
    expect(pageSizeOf(path)).toBe(4096);
  });
});
