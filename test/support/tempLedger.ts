import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createContract } from '@roc-ledger/events';
import type { EventStore } from '@roc-ledger/ledger';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';

export const contract = createContract({ reportingCurrency: 'EUR' });

/** A fresh data directory with an events.db path, removed by cleanup(). */
export const tempDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-test-'));
  return { dir, dbPath: join(dir, 'events.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
};

export const openStore = (dbPath: string, clock?: () => Date): EventStore =>
  getSqliteEventStore({ path: dbPath, contract, ...(clock ? { clock } : {}) });

/** Direct SQL on the database file, as an attacker with file access would have. */
export const tamper = (dbPath: string, sql: string, ...params: (string | number)[]): void => {
  const db = new DatabaseSync(dbPath);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
};

export const rawDb = (dbPath: string) => new DatabaseSync(dbPath);
