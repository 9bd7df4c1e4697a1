import { BUSY_TIMEOUT_MS, isSqliteBusy, openSqliteFile } from '@roc-ledger/store-sqlite';
import { ShardingUnsupportedError } from '../errors.ts';
import type { CommitBatch, PartitionRecord, ProjectionRow, ProjectionStatus, ReadModelStore } from './types.ts';

/** How long a commit waits for another connection's write transaction before it fails. */
const WRITE_LOCK_WAIT_MS = 120_000;

export interface SqliteReadModelStoreOptions {
  /** SQLite's page cache for this connection, in KiB (default 65,536: 64 MiB). */
  readonly cacheSizeKb?: number;
}

/**
 * Read models in SQLite (node:sqlite), WAL. synchronous=NORMAL: a commit survives a crash of the
 * process (kill -9) and stays atomic on power loss, where at worst the last commits roll back to
 * an earlier checkpoint, which the projection then replays. States can always be rebuilt from the
 * log, so they do not pay the event store's fsync per commit.
 */
export const getSqliteReadModelStore = (path: string, options: SqliteReadModelStoreOptions = {}): ReadModelStore => {
  const db = openSqliteFile(path, { setup: (opened) => opened.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA cache_size = -${options.cacheSizeKb ?? 65_536};
    -- Replaced and deleted states are overwritten on disk: an erased customer's old state leaves no trace.
    PRAGMA secure_delete = ON;
    CREATE TABLE IF NOT EXISTS projection_states (
      projection      TEXT    NOT NULL,
      partition       TEXT    NOT NULL,
      state           TEXT    NOT NULL,
      max_occurred_ms INTEGER NOT NULL,
      max_recorded_ms INTEGER NOT NULL
    ) STRICT;
    -- A rowid table: states are kilobytes, too large for WITHOUT ROWID to pay off.
    CREATE UNIQUE INDEX IF NOT EXISTS projection_states_key ON projection_states (projection, partition);
    CREATE TABLE IF NOT EXISTS projections (
      key         TEXT    PRIMARY KEY,
      name        TEXT    NOT NULL,
      version     INTEGER NOT NULL,
      position    INTEGER NOT NULL,
      recorded_at TEXT,
      status      TEXT    NOT NULL,
      active      INTEGER NOT NULL,
      error       TEXT,
      updated_at  TEXT    NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS projection_modules (
      name     TEXT PRIMARY KEY,
      path     TEXT NOT NULL,
      added_at TEXT NOT NULL
    ) STRICT;
  `) });
  const now = () => new Date().toISOString();
  const statements = {
    rows: db.prepare('SELECT * FROM projections ORDER BY name, version'),
    row: db.prepare('SELECT * FROM projections WHERE key = ?'),
    register: db.prepare(`INSERT OR IGNORE INTO projections (key, name, version, position, recorded_at, status, active, error, updated_at) VALUES (?, ?, ?, 0, NULL, 'building', 0, NULL, ?)`),
    load: db.prepare('SELECT partition, state, max_occurred_ms, max_recorded_ms FROM projection_states WHERE projection = ? AND partition = ?'),
    any: db.prepare('SELECT 1 FROM projection_states WHERE projection = ? LIMIT 1'),
    upsert: db.prepare(
      `INSERT INTO projection_states (projection, partition, state, max_occurred_ms, max_recorded_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (projection, partition) DO UPDATE SET state = excluded.state, max_occurred_ms = excluded.max_occurred_ms, max_recorded_ms = excluded.max_recorded_ms`,
    ),
    delete: db.prepare('DELETE FROM projection_states WHERE projection = ? AND partition = ?'),
    checkpoint: db.prepare('UPDATE projections SET position = ?, recorded_at = ?, status = coalesce(?, status), updated_at = ? WHERE key = ?'),
    status: db.prepare('UPDATE projections SET status = ?, error = ?, updated_at = ? WHERE key = ?'),
    deactivateName: db.prepare('UPDATE projections SET active = 0 WHERE name = (SELECT name FROM projections WHERE key = ?)'),
    activate: db.prepare('UPDATE projections SET active = 1 WHERE key = ?'),
    dropStates: db.prepare('DELETE FROM projection_states WHERE projection = ?'),
    dropRow: db.prepare('DELETE FROM projections WHERE key = ?'),
    partitionsAfter: db.prepare('SELECT partition, state, max_occurred_ms, max_recorded_ms FROM projection_states WHERE projection = ? AND partition > ? ORDER BY partition LIMIT ?'),
    modules: db.prepare('SELECT name, path FROM projection_modules ORDER BY name'),
    addModule: db.prepare('INSERT INTO projection_modules (name, path, added_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET path = excluded.path, added_at = excluded.added_at'),
  };
  /**
   * A write transaction. Another connection's write lock (a backfill thread committing a whole
   * projection) is waited out with async polls: SQLite's own busy wait would block this event
   * loop, and the HTTP requests on it, for as long as that commit takes.
   */
  const inTransaction = async (work: () => void): Promise<void> => {
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    for (;;) {
      db.exec('PRAGMA busy_timeout = 0');
      try {
        db.exec('BEGIN IMMEDIATE');
        break;
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() >= deadline) throw error;
      } finally {
        db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    try {
      work();
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };

  return {
    rows: async () => (statements.rows.all() as unknown as RawRow[]).map(toRow),
    row: async (key) => {
      const raw = statements.row.get(key) as RawRow | undefined;
      return raw ? toRow(raw) : undefined;
    },
    register: async (key, name, version) => {
      statements.register.run(key, name, version, now());
      return toRow(statements.row.get(key) as unknown as RawRow);
    },
    load: async (key, partition) => {
      const raw = statements.load.get(key, partition) as RawPartition | undefined;
      return raw ? toPartition(raw) : undefined;
    },
    isEmpty: async (key) => statements.any.get(key) === undefined,
    commit: async (key, batch: CommitBatch) => {
      if (batch.shard) throw new ShardingUnsupportedError('SQLite read models');
      await inTransaction(() => {
        for (const partition of batch.deletes) statements.delete.run(key, partition);
        for (const p of batch.upserts) statements.upsert.run(key, p.partition, p.state, p.maxOccurredMs, p.maxRecordedMs);
        statements.checkpoint.run(batch.position, batch.recordedAt, batch.status ?? null, now(), key);
      });
    },
    scrub: async () => {
      // Old page images live on in the write-ahead log until it is checkpointed and truncated;
      // a reader in another process can hold the checkpoint back for a moment.
      for (let attempt = 0; attempt < 50; attempt++) {
        const result = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number } | undefined;
        if (!result || result.busy === 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    },
    setStatus: async (key, status: ProjectionStatus, error = null) => {
      statements.status.run(status, error === null ? null : JSON.stringify(error), now(), key);
    },
    activate: async (key) =>
      inTransaction(() => {
        statements.deactivateName.run(key);
        statements.activate.run(key);
      }),
    drop: async (key) =>
      inTransaction(() => {
        statements.dropStates.run(key);
        statements.dropRow.run(key);
      }),
    async *partitions(key) {
      let after = '';
      for (;;) {
        const page = statements.partitionsAfter.all(key, after, 1000) as unknown as RawPartition[];
        for (const raw of page) yield toPartition(raw);
        if (page.length < 1000) return;
        after = page[page.length - 1]!.partition;
      }
    },
    modules: async () => statements.modules.all() as unknown as { name: string; path: string }[],
    addModule: async (name, path) => {
      statements.addModule.run(name, path, now());
    },
    close: async () => {
      if (db.isOpen) db.close();
    },
  };
};

interface RawRow {
  key: string;
  name: string;
  version: number;
  position: number;
  recorded_at: string | null;
  status: ProjectionStatus;
  active: number;
  error: string | null;
  updated_at: string;
}

interface RawPartition {
  partition: string;
  state: string;
  max_occurred_ms: number;
  max_recorded_ms: number;
}

const toRow = (raw: RawRow): ProjectionRow => ({
  key: raw.key,
  name: raw.name,
  version: raw.version,
  position: raw.position,
  recordedAt: raw.recorded_at,
  status: raw.status,
  active: raw.active === 1,
  error: raw.error === null ? null : (JSON.parse(raw.error) as Record<string, unknown>),
  updatedAt: raw.updated_at,
});

const toPartition = (raw: RawPartition): PartitionRecord => ({
  partition: raw.partition,
  state: raw.state,
  maxOccurredMs: raw.max_occurred_ms,
  maxRecordedMs: raw.max_recorded_ms,
});
