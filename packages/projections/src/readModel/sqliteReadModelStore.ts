import { BUSY_TIMEOUT_MS, isSqliteBusy, openSqliteFile } from '@roc-ledger/store-sqlite';
import { ShardCountMismatchError, ShardFencedError } from '../sharding/shards.ts';
import { readAhead } from './readAhead.ts';
import type { CommitBatch, PartitionRecord, ProjectionRow, ProjectionStatus, ThreadShardedReadModelStore } from './types.ts';

/**
 * Bytes per page of a read-model file SQLite creates (see openSqliteFile): most states (a few
 * kilobytes) fit in one page, where with 4 KiB most spilled into overflow pages. Storing a
 * rebuild's 40,000 states (150 MB) took a median 1.21 s against 1.52 s (1.04 s with 16 KiB pages).
 * Larger pages cost live commits, which rewrite a few scattered states each, whole pages to the
 * write-ahead log: p99 live lag 73 ms with 16 KiB against 57 with 4 KiB (3 runs each); with 8 KiB
 * within the noise of 4 KiB (a median 59.7 ms against 61.2 over 5 runs each).
 */
export const READ_MODEL_PAGE_SIZE = 8_192;
/** How long a commit waits for another connection's write transaction before it fails. */
const WRITE_LOCK_WAIT_MS = 120_000;
/** How often a commit waiting for the write lock tries again. */
const LOCK_POLL_MS = 10;

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
export const getSqliteReadModelStore = (path: string, options: SqliteReadModelStoreOptions = {}): ThreadShardedReadModelStore => {
  const db = openSqliteFile(path, { pageSize: READ_MODEL_PAGE_SIZE, setup: (opened) => opened.exec(`
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
    -- Backfill threads folding one shard each: every shard's checkpoint (states under the projection's key).
    CREATE TABLE IF NOT EXISTS projection_shards (
      key         TEXT    NOT NULL,
      shard       INTEGER NOT NULL,
      shards      INTEGER NOT NULL,
      position    INTEGER NOT NULL,
      recorded_at TEXT,
      status      TEXT    NOT NULL,
      PRIMARY KEY (key, shard)
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
    shard: db.prepare('SELECT position, recorded_at FROM projection_shards WHERE key = ? AND shard = ? AND shards = ?'),
    shardLayouts: db.prepare('SELECT shards, min(position) AS low, max(position) AS high FROM projection_shards WHERE key = ? GROUP BY shards'),
    layShard: db.prepare(`INSERT OR IGNORE INTO projection_shards (key, shard, shards, position, recorded_at, status) SELECT key, ?, ?, position, recorded_at, 'building' FROM projections WHERE key = ?`),
    shardRows: db.prepare('SELECT shard, shards, position, recorded_at, status FROM projection_shards WHERE key = ? ORDER BY shard'),
    shardCheckpoint: db.prepare('UPDATE projection_shards SET position = ?, recorded_at = ?, status = coalesce(?, status) WHERE key = ? AND shard = ?'),
    shardStatus: db.prepare('UPDATE projection_shards SET status = ? WHERE key = ? AND shard = ?'),
    error: db.prepare('UPDATE projections SET error = ? WHERE key = ?'),
    dropShards: db.prepare('DELETE FROM projection_shards WHERE key = ?'),
    // The projection's row sums up its shards: the lowest checkpoint (every state holds at least that much), failed if one failed, live once all are.
    sumUpShards: db.prepare(`
      UPDATE projections SET
        position = (SELECT min(position) FROM projection_shards WHERE key = ?1),
        recorded_at = (SELECT recorded_at FROM projection_shards WHERE key = ?1 ORDER BY position LIMIT 1),
        status = (SELECT CASE WHEN max(status = 'failed') THEN 'failed' WHEN min(status = 'live') THEN 'live' ELSE 'building' END FROM projection_shards WHERE key = ?1),
        updated_at = ?2
      WHERE key = ?1 AND EXISTS (SELECT 1 FROM projection_shards WHERE key = ?1)`),
    partitionsAfter: db.prepare('SELECT partition, state, max_occurred_ms, max_recorded_ms FROM projection_states WHERE projection = ? AND partition > ? ORDER BY partition LIMIT ?'),
    // Answered from the (projection, partition) index alone.
    partitionKeysAfter: db.prepare('SELECT partition FROM projection_states WHERE projection = ? AND partition > ? ORDER BY partition LIMIT ?'),
    modules: db.prepare('SELECT name, path FROM projection_modules ORDER BY name'),
    removeModule: db.prepare('DELETE FROM projection_modules WHERE name = ?'),
    addModule: db.prepare('INSERT INTO projection_modules (name, path, added_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET path = excluded.path, added_at = excluded.added_at'),
  };
  /**
   * A write transaction. Another connection's write lock (a backfill thread committing a whole
   * projection) is waited out with async polls: SQLite's own busy wait would block this event
   * loop, and the HTTP requests on it, for as long as that commit takes. `meanwhile`, if given,
   * does work of its own between polls instead of sleeping, for as long as it says it has some.
   */
  const inTransaction = async (work: () => void, meanwhile?: (ms: number) => boolean): Promise<void> => {
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
      // Work done meanwhile still lets this event loop's other callbacks in between polls.
      if (meanwhile?.(LOCK_POLL_MS)) await new Promise((resolve) => setImmediate(resolve));
      else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
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
      const { shard } = batch;
      // Two backfill threads end about together and commit in turn: the one waiting serialises its
      // states meanwhile (its upserts are produced as they are read), so the wait is not idle.
      const upserts = readAhead(batch.upserts);
      await inTransaction(() => {
        for (const partition of batch.deletes) statements.delete.run(key, partition);
        for (const p of upserts) statements.upsert.run(key, p.partition, p.state, p.maxOccurredMs, p.maxRecordedMs);
        if (!shard) {
          statements.checkpoint.run(batch.position, batch.recordedAt, batch.status ?? null, now(), key);
          return;
        }
        const moved = statements.shardCheckpoint.run(batch.position, batch.recordedAt, batch.status ?? null, key, shard.index);
        // Rolled back: the projection folds unsharded again, or was dropped.
        if (moved.changes === 0) throw new ShardFencedError(key, shard, 'the shard is no longer laid out');
        statements.sumUpShards.run(key, now());
      }, (ms) => upserts.readFor(ms));
    },
    registerShard: async (key, name, version, shard) => {
      const mine = () => statements.shard.get(key, shard.index, shard.count) as { position: number; recorded_at: string | null } | undefined;
      let found = mine();
      if (!found) {
        await inTransaction(() => {
          statements.register.run(key, name, version, now());
          const other = (statements.shardLayouts.all(key) as unknown as { shards: number; low: number; high: number }[]).find((l) => l.shards !== shard.count);
          if (other) {
            // States fold from each shard's own checkpoint: shards may be laid out anew only where all stand at one position.
            if (other.low !== other.high) {
              throw new ShardCountMismatchError(`${key} is folded in ${other.shards} shards standing at positions ${other.low} to ${other.high}; they can be split ${shard.count} ways only once all stand at one position`);
            }
            statements.dropShards.run(key);
          }
          for (let index = 0; index < shard.count; index++) statements.layShard.run(index, shard.count, key);
        });
        found = mine()!;
      }
      return { position: found.position, recordedAt: found.recorded_at };
    },
    shardRows: async (key) =>
      (statements.shardRows.all(key) as unknown as RawShard[]).map((raw) => ({ index: raw.shard, count: raw.shards, position: raw.position, recordedAt: raw.recorded_at, status: raw.status, owner: null })),
    unshard: async (key) => {
      let unsharded = false;
      await inTransaction(() => {
        const layouts = statements.shardLayouts.all(key) as unknown as { low: number; high: number }[];
        if (layouts.length > 1 || (layouts[0] && layouts[0].low !== layouts[0].high)) return;
        // The projection's row sums them up already: at that position, with the shards' status.
        statements.dropShards.run(key);
        unsharded = true;
      });
      return unsharded;
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
    setStatus: async (key, status: ProjectionStatus, error = null, shard) => {
      const json = error === null ? null : JSON.stringify(error);
      if (!shard) {
        statements.status.run(status, json, now(), key);
        return;
      }
      await inTransaction(() => {
        statements.shardStatus.run(status, key, shard.index);
        if (json !== null) statements.error.run(json, key);
        statements.sumUpShards.run(key, now());
      });
    },
    activate: async (key) =>
      inTransaction(() => {
        statements.deactivateName.run(key);
        statements.activate.run(key);
      }),
    drop: async (key) =>
      inTransaction(() => {
        statements.dropStates.run(key);
        statements.dropShards.run(key);
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
    partitionKeys: async (key, { after = '', limit }) => (statements.partitionKeysAfter.all(key, after, limit) as unknown as { partition: string }[]).map((row) => row.partition),
    modules: async () => statements.modules.all() as unknown as { name: string; path: string }[],
    addModule: async (name, path) => {
      statements.addModule.run(name, path, now());
    },
    removeModule: async (name) => {
      statements.removeModule.run(name);
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

interface RawShard {
  shard: number;
  shards: number;
  position: number;
  recorded_at: string | null;
  status: ProjectionStatus;
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
