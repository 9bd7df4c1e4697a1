import type { DatabaseSync } from 'node:sqlite';
import { EVENT_TYPES } from '@roc-ledger/events';
import {
  AppendNotifier,
  appendInTransaction,
  catchUpSubscription,
  decodeRecord,
  GENESIS_HASH,
  openEvents,
  openingSource,
  sealAppend,
  readAllPaged,
  readRecordsPaged,
  StoreClosedError,
  StoreUnavailableError,
  streamSlice,
  systemClock,
  validateAppend,
  type AppendResult,
  type AppendTransaction,
  type EventStore,
  type LogFilter,
  type LogHead,
  type PageSource,
  type RecordedEvent,
  type StoreOptions,
  type StreamSelection,
} from '@roc-ledger/ledger';
import { GROUP_BUDGET_MS, GroupCommitter, TransactionPoisonedError } from './groupCommit.ts';
import { openSqliteFile } from '../file/openSqliteFile.ts';
import { checkMeta, createSchema, EVENT_STORE_PAGE_SIZE, IDENTITY_TYPES, openPragmas, RARE_TYPES, SCAN_CACHE_SIZE_KB, SCHEMA_VERSION, setCacheSize } from './schema.ts';
import { defineStreamSelection, prepareStatements, toStoredRecord, type RecordRow } from './statements.ts';
import { WriterView } from './writerView.ts';

export interface SqliteEventStoreOptions extends StoreOptions {
  /** Database file; created with its folder if missing. */
  readonly path: string;
  /** How often live subscriptions look for appends made by other processes. */
  readonly pollIntervalMs?: number;
  /**
   * SQLite's page cache for this connection, in KiB (default 65,536). A connection that only
   * reads the log in order (a backfill thread) needs little: the OS page cache serves the file.
   */
  readonly cacheSizeKb?: number;
}

/** Read statements return [body, hash] arrays: cheaper than row objects on the hot path. */
type BodyRow = [body: string, hash: string];
const decodeRows = (rows: unknown[]): RecordedEvent[] => (rows as BodyRow[]).map(([body, hash]) => decodeRecord(body, hash));

/** Whether a read asks only for types of this set (and so can read their partial index). */
const onlyOf =
  (set: readonly string[]) =>
  (types: readonly string[] | undefined): types is readonly string[] =>
    !!types && types.length > 0 && types.every((type) => set.includes(type));
const onlyRareTypes = onlyOf(RARE_TYPES);
const onlyIdentityTypes = onlyOf(IDENTITY_TYPES);

/**
 * The types filter as the page queries take it: null when it names every type of the catalogue,
 * which is every type an append can store (the contract validates each), so that a read of all of
 * them does not test each row's type against the list (a quarter of a full scan's SQL time).
 */
const typesParameter = (types: readonly string[] | undefined): string | null => {
  if (!types) return null;
  let known = typesParameters.get(types);
  if (known === undefined) typesParameters.set(types, (known = EVENT_TYPES.every((type) => types.includes(type)) ? null : JSON.stringify(types)));
  return known;
};
const typesParameters = new WeakMap<readonly string[], string | null>();

const isDuplicateEventId = (error: unknown): boolean =>
  error instanceof Error && /UNIQUE constraint failed: events\.event_id/.test(error.message);

/** The embedded default event store: one SQLite file, durable on acknowledgement. */
export const getSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => {
  const clock = options.clock ?? systemClock;
  let db: DatabaseSync;
  try {
    db = openSqliteFile(options.path, {
      pageSize: EVENT_STORE_PAGE_SIZE,
      setup: (opened) => {
        openPragmas(opened, options.cacheSizeKb);
        createSchema(opened);
        checkMeta(opened, { schemaVersion: SCHEMA_VERSION, reportingCurrency: options.contract.reportingCurrency });
      },
    });
  } catch (cause) {
    if (cause instanceof Error && 'code' in cause && String(cause.code).startsWith('LEDGER_ERR')) throw cause;
    throw new StoreUnavailableError(`cannot open the event store at ${options.path}: ${(cause as Error).message}`, cause);
  }
  // The stream selection of the read running now: set around its synchronous query only.
  let selection: (streamId: string) => boolean = () => true;
  defineStreamSelection(db, () => selection);
  const sql = prepareStatements(db);
  const selectedPage = (after: number, limit: number, filter: LogFilter, streams: StreamSelection): unknown[] => {
    selection = streams.includes;
    try {
      return sql.selectedPage.all(after, typesParameter(filter.types), filter.streamPrefix ?? null, streams.through, limit);
    } finally {
      selection = () => true;
    }
  };
  let closed = false;

  const head = (): LogHead => {
    const row = sql.head.get() as { global_position: number; hash: string; recorded_at: string } | undefined;
    return row ? { position: row.global_position, hash: row.hash, recordedAt: row.recorded_at } : { position: 0, hash: GENESIS_HASH, recordedAt: null };
  };
  const streamRevision = (streamId: string): number => (sql.streamRevision.get(streamId) as { revision: number | null }).revision ?? -1;
  const view = new WriterView(head, streamRevision);
  const committer = new GroupCommitter(db, GROUP_BUDGET_MS, { begun: () => view.begin(), ended: (committed) => (committed ? view.committed() : view.rolledBack()) });
  const ensureOpen = () => {
    if (closed) throw new StoreClosedError();
  };
  const notifier = new AppendNotifier(async () => head().position, options.pollIntervalMs);

  const tx: AppendTransaction = {
    head: () => view.headNow(),
    streamRevision: (streamId) => view.revisionOf(streamId),
    findByEventId: (eventId) => {
      const row = sql.byEventId.get(eventId) as RecordRow | undefined;
      return row && toStoredRecord(row);
    },
    insertAll: (records) => {
      try {
        for (const r of records) sql.insert.run(r.globalPosition, r.streamId, r.streamRevision, r.eventId, r.type, r.recordedAt, r.body, r.hash);
        view.inserted(records);
        return 'inserted';
      } catch (error) {
        // Undo this append's rows (positions are its own, from the first on), so that it fails alone.
        try {
          sql.deleteFrom.run(records[0]!.globalPosition);
        } catch (cause) {
          throw new TransactionPoisonedError(`could not undo a failed append: ${(cause as Error).message}`);
        }
        if (isDuplicateEventId(error)) return 'duplicate-event-id';
        throw error;
      }
    },
  };

  const source: PageSource = openingSource({
    async readPage(after, limit, filter) {
      ensureOpen();
      const { streams } = filter;
      if (streams && after < streams.through) return decodeRows(selectedPage(after, limit, filter, streams));
      if (onlyRareTypes(filter.types)) return decodeRows(sql.rareTypesPage.all(after, JSON.stringify(filter.types), filter.streamPrefix ?? null, limit));
      if (onlyIdentityTypes(filter.types)) return decodeRows(sql.identityTypesPage.all(after, JSON.stringify(filter.types), filter.streamPrefix ?? null, limit));
      const types = typesParameter(filter.types);
      return decodeRows(types !== null || filter.streamPrefix ? sql.filteredPage.all(after, types, filter.streamPrefix ?? null, limit) : sql.page.all(after, limit));
    },
    async readRecordPage(after, limit) {
      ensureOpen();
      return (sql.recordPage.all(after, limit) as unknown as RecordRow[]).map(toStoredRecord);
    },
    headPosition: async () => (closed ? 0 : head().position),
    waitForAppend: (after, signal) => notifier.waitForAppend(after, signal),
  }, options.personalData);

  return {
    async append(streamId, events, appendOptions = {}) {
      ensureOpen();
      // Transaction time is when the append was asked for, not when its group commits.
      const now = clock();
      const valid = await sealAppend(options.personalData, streamId, validateAppend(options.contract, events));
      const expected = appendOptions.expectedRevision ?? 'any';
      const result = await committer.submit<AppendResult>(() => appendInTransaction(tx, streamId, valid, expected, now));
      if (result.events.some((e) => !e.duplicate)) notifier.notify();
      return result;
    },

    async readStream(streamId, readOptions) {
      ensureOpen();
      const currentRevision = streamRevision(streamId);
      const { from, to, backwards } = streamSlice(currentRevision, readOptions);
      const rows = backwards ? sql.streamBackwards.all(streamId, to, from) : sql.streamForwards.all(streamId, from, to);
      return { streamId, currentRevision, events: await openEvents(options.personalData, decodeRows(rows)) };
    },

    readAll: (readOptions) => readAllPaged(source, readOptions),
    subscribe: (subscribeOptions) => catchUpSubscription(source, subscribeOptions),
    readStoredRecords: (readOptions) => readRecordsPaged(source, readOptions),
    async head() {
      ensureOpen();
      return head();
    },
    async *streamStarts({ after, through }) {
      for (let from = after; ; ) {
        ensureOpen();
        const rows = sql.streamStarts.all(from, through, 10_000) as unknown as [string, number][];
        for (const [streamId, globalPosition] of rows) yield { streamId, globalPosition };
        if (rows.length < 10_000) return;
        from = rows.at(-1)![1];
        // Lets timers and I/O in between pages, as every long read does.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async scan(read) {
      ensureOpen();
      setCacheSize(db, SCAN_CACHE_SIZE_KB);
      try {
        return await read();
      } finally {
        if (!closed) setCacheSize(db, options.cacheSizeKb);
      }
    },
    async close() {
      if (closed) return;
      committer.flushAll();
      closed = true;
      notifier.notify();
      db.close();
    },
  };
};
