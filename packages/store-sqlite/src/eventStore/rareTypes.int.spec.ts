import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createContract } from '@roc-ledger/events';
import { getSqliteEventStore } from './getSqliteEventStore.ts';
import { createSchema, openPragmas } from './schema.ts';
import { defineStreamSelection, prepareStatements } from './statements.ts';

const plan = (db: DatabaseSync, sql: string): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(0, '[]', null, 1) as { detail: string }[]).map((row) => row.detail).join('; ');

describe('reads of the rare types (merges, erasures), of the identity types, and of where streams begin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-rare-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('search the partial index of their rows instead of scanning the log', () => {
    const db = new DatabaseSync(join(dir, 'plan.db'));
    openPragmas(db);
    createSchema(db);
    defineStreamSelection(db, () => () => true);
    const sql = prepareStatements(db);
    expect(plan(db, sql.rareTypesPage.sourceSQL)).toContain('USING INDEX events_of_rare_types');
    expect(plan(db, sql.filteredPage.sourceSQL)).not.toContain('events_of_rare_types');
    expect(plan(db, sql.identityTypesPage.sourceSQL)).toContain('USING INDEX events_of_identity_types');
    const startsPlan = (db.prepare(`EXPLAIN QUERY PLAN ${sql.streamStarts.sourceSQL}`).all(0, 10, 1) as { detail: string }[]).map((row) => row.detail).join('; ');
    expect(startsPlan).toContain('USING COVERING INDEX events_stream_starts');
    db.close();
  });

  it('get the index on a ledger created before it, at its next open', async () => {
    const path = join(dir, 'older.db');
    const older = new DatabaseSync(path);
    older.exec('CREATE TABLE events (global_position INTEGER PRIMARY KEY, stream_id TEXT NOT NULL, stream_revision INTEGER NOT NULL, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, recorded_at TEXT NOT NULL, body TEXT NOT NULL, hash TEXT NOT NULL) STRICT');
    older.close();
    const store = getSqliteEventStore({ path, contract: createContract({ reportingCurrency: 'EUR' }) });
    await store.close();
    const db = new DatabaseSync(path);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_of_rare_types'").get()).toMatchObject({ sql: expect.stringContaining("'CustomersMerged'") });
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_of_identity_types'").get()).toMatchObject({ sql: expect.stringContaining("'IdentifierLinked'") });
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_stream_starts'").get()).toMatchObject({ sql: expect.stringContaining('stream_revision = 0') });
    db.close();
  });
});
