import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { StoredRecord } from '@roc-ledger/ledger';
import { IDENTITY_TYPES_SQL, RARE_TYPES_SQL } from './schema.ts';

export interface RecordRow {
  global_position: number;
  stream_id: string;
  stream_revision: number;
  event_id: string;
  type: string;
  recorded_at: string;
  body: string;
  hash: string;
}

export const toStoredRecord = (row: RecordRow): StoredRecord => ({
  globalPosition: row.global_position,
  streamId: row.stream_id,
  streamRevision: row.stream_revision,
  eventId: row.event_id,
  type: row.type,
  recordedAt: row.recorded_at,
  body: row.body,
  hash: row.hash,
});

/** The SQL function through which a read's stream selection decides which rows it reads. */
const STREAM_SELECTED = 'roc_stream_selected';

/**
 * Registers the stream-selection function on a connection: it answers with the predicate `current`
 * returns at the time, which a read sets around its (synchronous) query.
 */
export const defineStreamSelection = (db: DatabaseSync, current: () => (streamId: string) => boolean): void => {
  db.function(STREAM_SELECTED, { deterministic: false }, (streamId) => (current()(streamId as string) ? 1 : 0));
};

/** Every SQL statement the store runs, prepared once. */
export const prepareStatements = (db: DatabaseSync) => {
  const prepare = (sql: string): StatementSync => db.prepare(sql);
  const asArrays = (sql: string): StatementSync => {
    const statement = db.prepare(sql);
    statement.setReturnArrays(true);
    return statement;
  };
  // The same condition as a partial index's, so that SQLite reads that index alone.
  const typesFromIndex = (indexCondition: string): StatementSync =>
    asArrays(`
      SELECT body, hash FROM events
      WHERE ${indexCondition}
        AND global_position > ?1
        AND type IN (SELECT value FROM json_each(?2))
        AND (?3 IS NULL OR substr(stream_id, 1, length(?3)) = ?3)
      ORDER BY global_position LIMIT ?4`);
  return {
    head: prepare('SELECT global_position, hash, recorded_at FROM events ORDER BY global_position DESC LIMIT 1'),
    streamRevision: prepare('SELECT MAX(stream_revision) AS revision FROM events WHERE stream_id = ?'),
    byEventId: prepare('SELECT * FROM events WHERE event_id = ?'),
    deleteFrom: prepare('DELETE FROM events WHERE global_position >= ?'),
    insert: prepare(
      'INSERT INTO events (global_position, stream_id, stream_revision, event_id, type, recorded_at, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    streamForwards: asArrays(
      'SELECT body, hash FROM events WHERE stream_id = ? AND stream_revision BETWEEN ? AND ? ORDER BY stream_revision ASC',
    ),
    streamBackwards: asArrays(
      'SELECT body, hash FROM events WHERE stream_id = ? AND stream_revision BETWEEN ? AND ? ORDER BY stream_revision DESC',
    ),
    page: asArrays('SELECT body, hash FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?'),
    filteredPage: asArrays(`
      SELECT body, hash FROM events
      WHERE global_position > ?1
        AND (?2 IS NULL OR type IN (SELECT value FROM json_each(?2)))
        AND (?3 IS NULL OR substr(stream_id, 1, length(?3)) = ?3)
      ORDER BY global_position LIMIT ?4`),
    // Only rare types, or only identity types, asked for: each from its partial index.
    rareTypesPage: typesFromIndex(RARE_TYPES_SQL),
    identityTypesPage: typesFromIndex(IDENTITY_TYPES_SQL),
    // The stream selection's predicate runs in SQL, so that rows it passes over are never decoded
    // and a page still holds `limit` events when more are stored (see defineStreamSelection).
    selectedPage: asArrays(`
      SELECT body, hash FROM events
      WHERE global_position > ?1
        AND (?2 IS NULL OR type IN (SELECT value FROM json_each(?2)))
        AND (?3 IS NULL OR substr(stream_id, 1, length(?3)) = ?3)
        AND (global_position > ?4 OR ${STREAM_SELECTED}(stream_id))
      ORDER BY global_position LIMIT ?5`),
    recordPage: prepare('SELECT * FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?'),
    // From the partial index of streams' first events: one entry per stream, no event decoded.
    streamStarts: asArrays('SELECT stream_id, global_position FROM events WHERE stream_revision = 0 AND global_position > ? AND global_position <= ? ORDER BY global_position LIMIT ?'),
  };
};

export type Statements = ReturnType<typeof prepareStatements>;
