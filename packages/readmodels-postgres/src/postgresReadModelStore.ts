import pg from 'pg';
import { RocLedgerError } from '@roc-ledger/events';
import { ReadModelsUnavailableError, type CommitBatch, type PartitionRecord, type ProjectionRow, type ProjectionStatus, type ReadModelStore } from '@roc-ledger/projections';

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
export const getPostgresReadModelStore = async (options: PostgresReadModelOptions): Promise<ReadModelStore> => {
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
  `);
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
        await client.query(`UPDATE ${t('projections')} SET position = $1, recorded_at = $2, status = coalesce($3, status), updated_at = $4 WHERE key = $5`, [batch.position, batch.recordedAt, batch.status ?? null, now(), key]);
      }),
    scrub: async () => {
      // Dead row versions leave the table; see docs/privacy.md for what PostgreSQL may keep below it.
      await query(`VACUUM ${t('projection_states')}`);
      return true;
    },
    setStatus: async (key, status, error = null) => {
      await query(`UPDATE ${t('projections')} SET status = $1, error = $2, updated_at = $3 WHERE key = $4`, [status, error === null ? null : JSON.stringify(error), now(), key]);
    },
    activate: (key) =>
      transaction(async (client) => {
        await client.query(`UPDATE ${t('projections')} SET active = false WHERE name = (SELECT name FROM ${t('projections')} WHERE key = $1)`, [key]);
        await client.query(`UPDATE ${t('projections')} SET active = true WHERE key = $1`, [key]);
      }),
    drop: (key) =>
      transaction(async (client) => {
        await client.query(`DELETE FROM ${t('projection_states')} WHERE projection = $1`, [key]);
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
    modules: async () => query<{ name: string; path: string }>(`SELECT name, path FROM ${t('projection_modules')} ORDER BY name`),
    addModule: async (name, path) => {
      await query(`INSERT INTO ${t('projection_modules')} (name, path, added_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET path = excluded.path, added_at = excluded.added_at`, [name, path, now()]);
    },
    close: async () => {
      await pool.end();
    },
  };
};

/** The connection string without its password, for messages. */
const redacted = (connectionString: string): string => connectionString.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
