import pg from 'pg';
import { RocLedgerError } from '@roc-ledger/events';
import {
  ReadModelsUnavailableError,
  ShardCountMismatchError,
  ShardFencedError,
  type CommitBatch,
  type PartitionRecord,
  type ProjectionRow,
  type ProjectionStatus,
  type ShardedReadModelStore,
  type ShardRow,
} from '@roc-ledger/projections';
import { postgresShardLeases } from './shardLeases.ts';

export interface PostgresReadModelOptions {
  /** e.g. postgres://user@127.0.0.1:5432/roc_ledger */
  readonly connectionString: string;
  /** The schema the tables live in (created if missing); one per ledger. Default roc_ledger. */
  readonly schema?: string;
  /** Connections in the pool (default 4). */
  readonly maxConnections?: number;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
/** Rows per INSERT statement when a commit writes states. */
const UPSERT_CHUNK = 500;

interface RawRow {
  key: string;
  name: string;
  version: number;
  position: string;
  recorded_at: string | null;
  status: ProjectionStatus;
  active: boolean;
  error: string | null;
  updated_at: string;
}

interface RawPartition {
  partition: string;
  state: string;
  max_occurred_ms: string;
  max_recorded_ms: string;
}

const toRow = (raw: RawRow): ProjectionRow => ({
  key: raw.key,
  name: raw.name,
  version: raw.version,
  position: Number(raw.position),
  recordedAt: raw.recorded_at,
  status: raw.status,
  active: raw.active,
  error: raw.error === null ? null : (JSON.parse(raw.error) as Record<string, unknown>),
  updatedAt: raw.updated_at,
});

const toPartition = (raw: RawPartition): PartitionRecord => ({
  partition: raw.partition,
  state: raw.state,
  maxOccurredMs: Number(raw.max_occurred_ms),
  maxRecordedMs: Number(raw.max_recorded_ms),
});

/**
 * Read models in PostgreSQL, so that several processes and machines share projections. The same
 * contract as the SQLite store: a commit writes states and checkpoint in one transaction.
 */
export const getPostgresReadModelStore = async (options: PostgresReadModelOptions): Promise<ShardedReadModelStore> => {
  const schema = options.schema ?? 'roc_ledger';
  if (!SCHEMA.test(schema)) throw new ReadModelsUnavailableError(`schema ${JSON.stringify(schema)}: 1-63 of a-z 0-9 _, not starting with a digit`);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
  // An idle connection that fails is reported on the pool: it must not crash the process.
  pool.on('error', () => undefined);
  const t = (name: string) => `"${schema}".${name}`;

  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> => {
    try {
      return (await pool.query<R>(text, values)).rows;
    } catch (cause) {
      throw unavailable(cause);
    }
  };
  const unavailable = (cause: unknown) =>
    cause instanceof ReadModelsUnavailableError ? cause : new ReadModelsUnavailableError(`PostgreSQL at ${redacted(options.connectionString)}: ${(cause as Error).message}`, cause);
  const transaction = async (work: (client: pg.PoolClient) => Promise<void>): Promise<void> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (cause) {
      throw unavailable(cause);
    }
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // An error of our own (a handler's state that is not JSON) passes through as it is.
      throw error instanceof RocLedgerError ? error : unavailable(error);
    } finally {
      client.release();
    }
  };

  await query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`).catch(async (error) => {
    // Two processes creating the schema at once: one of them loses the race, which is fine.
    if (!/already exists/.test((error as Error).message)) throw error;
  });
  await query(`
    CREATE TABLE IF NOT EXISTS ${t('projection_states')} (
      projection      TEXT   NOT NULL,
      partition       TEXT   COLLATE "C" NOT NULL,
      state           TEXT   NOT NULL,
      max_occurred_ms BIGINT NOT NULL,
      max_recorded_ms BIGINT NOT NULL,
      PRIMARY KEY (projection, partition)
    );
    CREATE TABLE IF NOT EXISTS ${t('projections')} (
      key         TEXT    PRIMARY KEY,
      name        TEXT    NOT NULL,
      version     INTEGER NOT NULL,
      position    BIGINT  NOT NULL,
      recorded_at TEXT,
      status      TEXT    NOT NULL,
      active      BOOLEAN NOT NULL,
      error       TEXT,
      updated_at  TEXT    NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${t('projection_modules')} (
      name     TEXT PRIMARY KEY,
      path     TEXT NOT NULL,
      added_at TEXT NOT NULL
    );
    -- Sharded projectors: each shard's checkpoint (its states are under the projection's key).
    CREATE TABLE IF NOT EXISTS ${t('projection_shards')} (
      key         TEXT    NOT NULL,
      shard       INTEGER NOT NULL,
      shards      INTEGER NOT NULL,
      position    BIGINT  NOT NULL,
      recorded_at TEXT,
      status      TEXT    NOT NULL,
      PRIMARY KEY (key, shard)
    );
    CREATE TABLE IF NOT EXISTS ${t('projector_leases')} (
      shard      INTEGER     PRIMARY KEY,
      shards     INTEGER     NOT NULL,
      owner      TEXT,
      epoch      BIGINT      NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${t('projector_members')} (
      owner      TEXT        PRIMARY KEY,
      expires_at TIMESTAMPTZ NOT NULL
    );
  `).catch(async (error) => {
    // Two processes creating the tables at once: the loser finds them made; anything else is real.
    if (!/already exists|duplicate key/.test((error as Error).message)) throw error;
  });
  const now = () => new Date().toISOString();
  const row = async (key: string) => {
    const [raw] = await query<RawRow>(`SELECT * FROM ${t('projections')} WHERE key = $1`, [key]);
    return raw ? toRow(raw) : undefined;
  };

  return {
    rows: async () => (await query<RawRow>(`SELECT * FROM ${t('projections')} ORDER BY name, version`)).map(toRow),
    row,
    register: async (key, name, version) => {
      await query(`INSERT INTO ${t('projections')} (key, name, version, position, recorded_at, status, active, error, updated_at) VALUES ($1, $2, $3, 0, NULL, 'building', false, NULL, $4) ON CONFLICT (key) DO NOTHING`, [key, name, version, now()]);
      return (await row(key))!;
    },
    load: async (key, partition) => {
      const [raw] = await query<RawPartition>(`SELECT partition, state, max_occurred_ms, max_recorded_ms FROM ${t('projection_states')} WHERE projection = $1 AND partition = $2`, [key, partition]);
      return raw ? toPartition(raw) : undefined;
    },
    isEmpty: async (key) => (await query(`SELECT 1 FROM ${t('projection_states')} WHERE projection = $1 LIMIT 1`, [key])).length === 0,
    commit: (key, batch: CommitBatch) =>
      transaction(async (client) => {
        // The lease is checked first and stays share-locked to the end: a taking-over instance
        // (which raises the epoch) waits for this commit, then reads the checkpoint it stored.
        if (batch.shard) {
          const { owner, epoch, index } = batch.shard;
          const held = await client.query(`SELECT 1 FROM ${t('projector_leases')} WHERE shard = $1 AND owner = $2 AND epoch = $3 FOR SHARE`, [index, owner, epoch]);
          if (held.rowCount === 0) throw new ShardFencedError(key, batch.shard, `lease epoch ${epoch} is no longer held by ${owner}`);
        }
        if (batch.deletes.length > 0) await client.query(`DELETE FROM ${t('projection_states')} WHERE projection = $1 AND partition = ANY($2::text[])`, [key, batch.deletes]);
        let chunk: PartitionRecord[] = [];
        const flush = async () => {
          if (chunk.length === 0) return;
          const values = chunk.flatMap((p) => [key, p.partition, p.state, p.maxOccurredMs, p.maxRecordedMs]);
          const rows = chunk.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(', ');
          await client.query(
            `INSERT INTO ${t('projection_states')} (projection, partition, state, max_occurred_ms, max_recorded_ms) VALUES ${rows}
             ON CONFLICT (projection, partition) DO UPDATE SET state = excluded.state, max_occurred_ms = excluded.max_occurred_ms, max_recorded_ms = excluded.max_recorded_ms`,
            values,
          );
          chunk = [];
        };
        for (const p of batch.upserts) {
          chunk.push(p);
          if (chunk.length === UPSERT_CHUNK) await flush();
        }
        await flush();
        if (!batch.shard) {
          await client.query(`UPDATE ${t('projections')} SET position = $1, recorded_at = $2, status = coalesce($3, status), updated_at = $4 WHERE key = $5`, [batch.position, batch.recordedAt, batch.status ?? null, now(), key]);
          return;
        }
        const moved = await client.query(`UPDATE ${t('projection_shards')} SET position = $1, recorded_at = $2, status = coalesce($3, status) WHERE key = $4 AND shard = $5`, [batch.position, batch.recordedAt, batch.status ?? null, key, batch.shard.index]);
        if (moved.rowCount === 0) throw new ShardFencedError(key, batch.shard, 'the version was dropped');
        await sumUpShards(client, key, t);
      }),
    scrub: async () => {
      // Dead row versions leave the table; see docs/privacy.md for what PostgreSQL may keep below it.
      await query(`VACUUM ${t('projection_states')}`);
      return true;
    },
    setStatus: async (key, status, error = null, shard) => {
      const json = error === null ? null : JSON.stringify(error);
      if (!shard) {
        await query(`UPDATE ${t('projections')} SET status = $1, error = $2, updated_at = $3 WHERE key = $4`, [status, json, now(), key]);
        return;
      }
      await transaction(async (client) => {
        await client.query(`UPDATE ${t('projection_shards')} SET status = $1 WHERE key = $2 AND shard = $3`, [status, key, shard.index]);
        if (json !== null) await client.query(`UPDATE ${t('projections')} SET error = $1 WHERE key = $2`, [json, key]);
        await sumUpShards(client, key, t);
      });
    },
    activate: (key) =>
      transaction(async (client) => {
        await client.query(`UPDATE ${t('projections')} SET active = false WHERE name = (SELECT name FROM ${t('projections')} WHERE key = $1)`, [key]);
        await client.query(`UPDATE ${t('projections')} SET active = true WHERE key = $1`, [key]);
      }),
    drop: (key) =>
      transaction(async (client) => {
        await client.query(`DELETE FROM ${t('projection_states')} WHERE projection = $1`, [key]);
        await client.query(`DELETE FROM ${t('projection_shards')} WHERE key = $1`, [key]);
        await client.query(`DELETE FROM ${t('projections')} WHERE key = $1`, [key]);
      }),
    async *partitions(key) {
      let after = '';
      for (;;) {
        const page = await query<RawPartition>(`SELECT partition, state, max_occurred_ms, max_recorded_ms FROM ${t('projection_states')} WHERE projection = $1 AND partition > $2 ORDER BY partition LIMIT 1000`, [key, after]);
        for (const raw of page) yield toPartition(raw);
        if (page.length < 1000) return;
        after = page[page.length - 1]!.partition;
      }
    },
    partitionKeys: async (key, { after = '', limit }) =>
      (await query<{ partition: string }>(`SELECT partition FROM ${t('projection_states')} WHERE projection = $1 AND partition > $2 ORDER BY partition LIMIT $3`, [key, after, limit])).map((row) => row.partition),
    modules: async () => query<{ name: string; path: string }>(`SELECT name, path FROM ${t('projection_modules')} ORDER BY name`),
    addModule: async (name, path) => {
      await query(`INSERT INTO ${t('projection_modules')} (name, path, added_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET path = excluded.path, added_at = excluded.added_at`, [name, path, now()]);
    },
    removeModule: async (name) => {
      await query(`DELETE FROM ${t('projection_modules')} WHERE name = $1`, [name]);
    },
    leases: postgresShardLeases(query, t),
    registerShard: async (key, name, version, shard) => {
      const mine = async (client: Pick<pg.PoolClient, 'query'>) =>
        (await client.query<{ position: string; recorded_at: string | null }>(`SELECT position, recorded_at FROM ${t('projection_shards')} WHERE key = $1 AND shard = $2 AND shards = $3`, [key, shard.index, shard.count])).rows[0];
      // Laid out already (the usual case): no lock, which would wait on shards committing now.
      const laidOut = await query<{ n: string }>(`SELECT count(*) AS n FROM ${t('projection_shards')} WHERE key = $1 HAVING bool_and(shards = $2)`, [key, shard.count]);
      let found = Number(laidOut[0]?.n ?? 0) === shard.count ? await mine(pool).catch((cause) => Promise.reject(unavailable(cause))) : undefined;
      if (found) return { position: Number(found.position), recordedAt: found.recorded_at };
      await transaction(async (client) => {
        await client.query(`INSERT INTO ${t('projections')} (key, name, version, position, recorded_at, status, active, error, updated_at) VALUES ($1, $2, $3, 0, NULL, 'building', false, NULL, $4) ON CONFLICT (key) DO NOTHING`, [key, name, version, now()]);
        // The row lock makes instances registering at once lay the shards out once.
        const base = (await client.query<{ position: string; recorded_at: string | null }>(`SELECT position, recorded_at FROM ${t('projections')} WHERE key = $1 FOR UPDATE`, [key])).rows[0]!;
        const laid = await client.query<{ shards: number; low: string; high: string }>(`SELECT shards, min(position) AS low, max(position) AS high FROM ${t('projection_shards')} WHERE key = $1 GROUP BY shards`, [key]);
        const other = laid.rows.find((row) => row.shards !== shard.count);
        if (other) {
          // States fold from each shard's own checkpoint: shards may be laid out anew only where all stand at one position.
          if (other.low !== other.high) {
            throw new ShardCountMismatchError(`${key} is folded in ${other.shards} shards standing at positions ${other.low} to ${other.high}; they can be split ${shard.count} ways only once all stand at one position: run ${other.shards} shards until they have caught up with an idle log, or rebuild under a new version`);
          }
          await client.query(`DELETE FROM ${t('projection_shards')} WHERE key = $1`, [key]);
        }
        await client.query(
          `INSERT INTO ${t('projection_shards')} (key, shard, shards, position, recorded_at, status) SELECT $1, g, $2, $3, $4, 'building' FROM generate_series(0, $2 - 1) AS g ON CONFLICT (key, shard) DO NOTHING`,
          [key, shard.count, base.position, base.recorded_at],
        );
        found = await mine(client);
      });
      return { position: Number(found!.position), recordedAt: found!.recorded_at };
    },
    shardRows: async (key) =>
      (
        await query<{ shard: number; shards: number; position: string; recorded_at: string | null; status: ShardRow['status']; owner: string | null }>(
          `SELECT s.shard, s.shards, s.position, s.recorded_at, s.status, l.owner FROM ${t('projection_shards')} s
           LEFT JOIN ${t('projector_leases')} l ON l.shard = s.shard AND l.shards = s.shards AND l.expires_at > now()
           WHERE s.key = $1 ORDER BY s.shard`,
          [key],
        )
      ).map((raw) => ({ index: raw.shard, count: raw.shards, position: Number(raw.position), recordedAt: raw.recorded_at, status: raw.status, owner: raw.owner })),
    close: async () => {
      await pool.end();
    },
  };
};

/**
 * A sharded projection's row sums up its shards: the lowest checkpoint (every state holds at least
 * that much), failed if one shard failed, live once all are. Taken under the row's lock, after the
 * shard's own update, so that two shards committing at once leave the sum of both.
 */
const sumUpShards = async (client: pg.PoolClient, key: string, t: (name: string) => string): Promise<void> => {
  await client.query(`SELECT 1 FROM ${t('projections')} WHERE key = $1 FOR UPDATE`, [key]);
  await client.query(
    `UPDATE ${t('projections')} p SET position = s.position, recorded_at = s.recorded_at, status = s.status, updated_at = $2
     FROM (SELECT min(position) AS position, (array_agg(recorded_at ORDER BY position))[1] AS recorded_at,
                  CASE WHEN bool_or(status = 'failed') THEN 'failed' WHEN bool_and(status = 'live') THEN 'live' ELSE 'building' END AS status
           FROM ${t('projection_shards')} WHERE key = $1) s
     WHERE p.key = $1`,
    [key, new Date().toISOString()],
  );
};

/** The connection string without its password, for messages. */
const redacted = (connectionString: string): string => connectionString.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
