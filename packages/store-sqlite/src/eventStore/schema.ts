import type { DatabaseSync } from 'node:sqlite';
import { ConfigMismatchError, StoreCorruptError } from '@roc-ledger/ledger';

export const SCHEMA_VERSION = '1';

/**
 * WAL with synchronous=FULL: every commit fsyncs the WAL before it returns, so an
 * acknowledged append survives kill -9 and power loss. Group commit amortises the fsync.
 */
const DEFAULT_CACHE_SIZE_KB = 65_536;
/**
 * SQLite's page cache for the connection while it scans most of the log (EventStore.scan), in
 * KiB: the pages a scan reads are not read again soon, and the OS page cache holds the file too.
 */
export const SCAN_CACHE_SIZE_KB = 2_048;

/**
 * Bytes per page of an event-store file SQLite creates (see openSqliteFile). A backfill thread scans the whole table for its shard's
 * rows: with 8 KiB pages half the reads and page visits of 4 KiB (its scan of a million events took
 * about a quarter less time: 0.74 of 4 KiB's in the median of 8 alternated rounds), while a group
 * commit, which dirties a leaf of the stream index per stream it appends to, costs no more (64 events
 * over random streams: 5.05 ms against 5.87 in the median of 5 alternated rounds). 16 KiB pages
 * scanned faster still (0.58 of 4 KiB's) but made those commits slower (7.14 ms).
 */
export const EVENT_STORE_PAGE_SIZE = 8_192;

/** The connection's SQLite page cache, in KiB (a negative cache_size is KiB, not pages). */
export const setCacheSize = (db: DatabaseSync, cacheSizeKb = DEFAULT_CACHE_SIZE_KB): void => {
  db.exec(`PRAGMA cache_size = -${cacheSizeKb}`);
};

export const openPragmas = (db: DatabaseSync, cacheSizeKb = DEFAULT_CACHE_SIZE_KB): void => {
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA temp_store = MEMORY;
  `);
  setCacheSize(db, cacheSizeKb);
};

/**
 * Types that are few in the log but read on their own by every reader that starts: each projection
 * runner, each backfill thread and the runtime load the merges (CustomersMerged) from the start, the
 * erasure check reads the erasures. A partial index holds just their rows, so those reads do not
 * scan the whole log (a full scan of a million events took ~0.4 s of SQLite's time, several times
 * over at every start); every other insert only tests its type against the index's condition.
 */
export const RARE_TYPES = ['CustomersMerged', 'CustomerErased'] as const;
export const RARE_TYPES_SQL = `type IN (${RARE_TYPES.map((t) => `'${t}'`).join(', ')})`;

/**
 * The types identity resolution folds (links, merges, erasures), read on their own at every start
 * of a writer (Ingestor.catchUp). Links are a few in a hundred events: their own partial index
 * spares that read a scan of the whole log, and the rare types' index stays as small as it was.
 */
export const IDENTITY_TYPES = ['IdentifierLinked', ...RARE_TYPES] as const;
export const IDENTITY_TYPES_SQL = `type IN (${IDENTITY_TYPES.map((t) => `'${t}'`).join(', ')})`;

export const createSchema = (db: DatabaseSync): void => {
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      global_position INTEGER PRIMARY KEY,
      stream_id       TEXT    NOT NULL,
      stream_revision INTEGER NOT NULL,
      event_id        TEXT    NOT NULL UNIQUE,
      type            TEXT    NOT NULL,
      recorded_at     TEXT    NOT NULL,
      body            TEXT    NOT NULL,
      hash            TEXT    NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, stream_revision);
    -- The rows of the rare types alone (see RARE_TYPES).
    CREATE INDEX IF NOT EXISTS events_of_rare_types ON events (global_position) WHERE ${RARE_TYPES_SQL};
    CREATE INDEX IF NOT EXISTS events_of_identity_types ON events (global_position) WHERE ${IDENTITY_TYPES_SQL};
    -- Where each stream begins (streamStarts): one entry per stream, read without the table.
    CREATE INDEX IF NOT EXISTS events_stream_starts ON events (global_position, stream_id) WHERE stream_revision = 0;
    CREATE TABLE IF NOT EXISTS ledger_meta (
      key   TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `);
};

/** Settings fixed for the life of a ledger: written on first open, checked on every later one. */
export const checkMeta = (db: DatabaseSync, settings: Record<string, string>): void => {
  const read = db.prepare('SELECT value FROM ledger_meta WHERE key = ?');
  // Several processes may open a new ledger at once: the first write wins, the rest compare.
  // An existing ledger is only read, so that opening one never waits for its writer.
  const write = db.prepare('INSERT OR IGNORE INTO ledger_meta (key, value) VALUES (?, ?)');
  for (const [key, value] of Object.entries(settings)) {
    const row = (read.get(key) as { value: string } | undefined) ?? (write.run(key, value), read.get(key) as { value: string });
    if (key === 'schemaVersion' && row.value !== value) {
      throw new StoreCorruptError(`store schema version ${row.value} is not the supported ${value}`);
    } else if (row.value !== value) {
      throw new ConfigMismatchError(`this ledger was created with ${key} ${row.value}; it is now configured with ${value}`);
    }
  }
};
