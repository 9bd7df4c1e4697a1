import type { DatabaseSync } from 'node:sqlite';
import { openSqliteFile } from '@roc-ledger/store-sqlite';
import { canonicalJson, chainHash, GENESIS_HASH } from '@roc-ledger/ledger';
import { AccessLogUnavailableError } from './errors.ts';
import { inWriteTransaction, whenUnlocked } from './sqliteBusy.ts';

/** One read of personal data: who, when, which customer, for what. */
export interface AccessEntry {
  /** The API key id, or `cli:<os user>`. */
  readonly actor: string;
  readonly via: 'http' | 'cli';
  /** The canonical customer id read, or `*` for a read across customers (an export). */
  readonly customer: string;
  readonly purpose: string;
  /** The route or command, e.g. `GET /v1/customers/:customer`. */
  readonly action: string;
  readonly requestId?: string;
}

export interface RecordedAccess extends AccessEntry {
  readonly position: number;
  readonly at: string;
  /** sha256(previous hash ‖ canonical JSON of the entry with its position and time), hex. */
  readonly hash: string;
}

export interface AccessQuery {
  readonly customer?: string;
  readonly actor?: string;
  readonly purpose?: string;
  /** Inclusive ISO-8601 bounds on `at`. */
  readonly from?: string;
  readonly to?: string;
  /** Entries after this position (paging). */
  readonly after?: number;
  readonly limit?: number;
}

export interface AccessLogVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly headHash: string;
  /** The first entry whose hash does not follow, when not ok. */
  readonly firstBadPosition?: number;
  readonly reason?: string;
}

export interface AccessLog {
  record(entry: AccessEntry): Promise<RecordedAccess>;
  query(query?: AccessQuery): Promise<RecordedAccess[]>;
  verify(): Promise<AccessLogVerification>;
  close(): Promise<void>;
}

/** What each entry's hash covers. */
const entryBody = (e: Omit<RecordedAccess, 'hash'>): string =>
  canonicalJson({ position: e.position, at: e.at, actor: e.actor, via: e.via, customer: e.customer, purpose: e.purpose, action: e.action, requestId: e.requestId ?? null });

interface Row {
  position: number;
  at: string;
  actor: string;
  via: 'http' | 'cli';
  customer: string;
  purpose: string;
  action: string;
  request_id: string | null;
  hash: string;
}

const toEntry = (r: Row): RecordedAccess => ({
  position: r.position,
  at: r.at,
  actor: r.actor,
  via: r.via,
  customer: r.customer,
  purpose: r.purpose,
  action: r.action,
  ...(r.request_id ? { requestId: r.request_id } : {}),
  hash: r.hash,
});

/**
 * The access log: one SQLite file, append-only (triggers refuse updates and deletes) and
 * hash-chained like the event log, so that an entry altered, removed or inserted by someone with
 * the file in hand is found by `verify`. Shared by the service and the CLI (each append takes the
 * write lock, so the chain stays one). Durable before the read it records is answered.
 */
export const openAccessLog = (path: string, clock: () => Date = () => new Date()): AccessLog => {
  let db: DatabaseSync | undefined;
  const open = (): DatabaseSync => {
    if (db) return db;
    // No busy wait inside SQLite (it would block the event loop): a locked file is retried by `run`.
    const opened = openSqliteFile(path, { busyTimeoutMs: 0, setup: (file) => file.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS access_log (
        position   INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        actor      TEXT NOT NULL,
        via        TEXT NOT NULL,
        customer   TEXT NOT NULL,
        purpose    TEXT NOT NULL,
        action     TEXT NOT NULL,
        request_id TEXT,
        hash       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS access_log_customer ON access_log (customer, position);
      CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
      CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
    `) });
    return (db = opened);
  };
  const run = <T>(what: string, work: (db: DatabaseSync) => T): Promise<T> =>
    whenUnlocked(open, work, 2000, (cause) => new AccessLogUnavailableError(`${what} at ${path}: ${(cause as Error).message}`, cause));

  return {
    record: (entry) =>
      run('recording an access', (db) =>
        inWriteTransaction(db, () => {
          const last = db.prepare('SELECT position, hash FROM access_log ORDER BY position DESC LIMIT 1').get() as { position: number; hash: string } | undefined;
          const unhashed = { ...entry, position: (last?.position ?? 0) + 1, at: clock().toISOString() };
          const hash = chainHash(last?.hash ?? GENESIS_HASH, entryBody(unhashed));
          db.prepare('INSERT INTO access_log (position, at, actor, via, customer, purpose, action, request_id, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
            unhashed.position, unhashed.at, entry.actor, entry.via, entry.customer, entry.purpose, entry.action, entry.requestId ?? null, hash,
          );
          return { ...unhashed, hash };
        }),
      ),
    query: (q = {}) =>
      run('reading the access log', (db) => {
        const where: string[] = ['position > ?'];
        const params: (string | number)[] = [q.after ?? 0];
        for (const [column, value] of [['customer', q.customer], ['actor', q.actor], ['purpose', q.purpose]] as const) {
          if (value !== undefined) {
            where.push(`${column} = ?`);
            params.push(value);
          }
        }
        if (q.from) (where.push('at >= ?'), params.push(q.from));
        if (q.to) (where.push('at <= ?'), params.push(q.to));
        params.push(Math.min(q.limit ?? 1000, 10_000));
        return (db.prepare(`SELECT * FROM access_log WHERE ${where.join(' AND ')} ORDER BY position LIMIT ?`).all(...params) as unknown as Row[]).map(toEntry);
      }),
    verify: () =>
      run('verifying the access log', (db) => {
        let previous = GENESIS_HASH;
        let expected = 1;
        for (const row of db.prepare('SELECT * FROM access_log ORDER BY position').iterate() as Iterable<Row>) {
          const entry = toEntry(row);
          if (entry.position !== expected) return { ok: false, entries: expected - 1, headHash: previous, firstBadPosition: expected, reason: `entry ${expected} is missing (next is ${entry.position})` };
          const { hash, ...unhashed } = entry;
          if (chainHash(previous, entryBody(unhashed)) !== hash) return { ok: false, entries: expected - 1, headHash: previous, firstBadPosition: entry.position, reason: `entry ${entry.position} does not match its hash` };
          previous = hash;
          expected++;
        }
        return { ok: true, entries: expected - 1, headHash: previous };
      }),
    async close() {
      db?.close();
      db = undefined;
    },
  };
};
