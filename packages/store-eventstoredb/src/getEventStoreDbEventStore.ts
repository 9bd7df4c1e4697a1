import { BACKWARDS, END, FORWARDS, type ResolvedEvent } from '@eventstore/db-client';
import {
  AppendNotifier,
  catchUpSubscription,
  decodeRecord,
  GENESIS_HASH,
  openEvents,
  openingSource,
  readAllPaged,
  readRecordsPaged,
  sealAppend,
  StoreClosedError,
  StoreUnavailableError,
  streamSlice,
  systemClock,
  validateAppend,
  matchesFilter,
  type AppendResult,
  type EventStore,
  type LogHead,
  type PageSource,
  type RecordedEvent,
  type StoredRecord,
  type StoreOptions,
} from '@roc-ledger/ledger';
import { isStreamNotFound, isWrongExpectedVersion, mapDriverError } from './driverErrors.ts';
import type { EsdbClient } from './esdbClient.ts';
import { decideGroup, type QueuedAppend } from './decideGroup.ts';
import { LogIndex } from './logIndex.ts';
import { expectedLogRevision, expectedStreamRevision, linkedRecordOf, storedRecordOf, streamNames, toLinkEvent, toLogEvent } from './mapping.ts';

export interface EventStoreDbStoreOptions extends StoreOptions {
  readonly client: EsdbClient;
  /** Keeps this ledger's streams apart from others' in the same database: `_roc-ledger-log.<ns>`, `<ns>.customer-…`. */
  readonly namespace?: string;
  /** How often a waiting subscription also polls the head, besides the server's live notifications. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Appends decided on a stale view of the log and retried before giving up (another writer keeps winning). Default 100. */
  readonly maxAppendAttempts?: number;
  /** The most event bytes one append to the log carries; the server refuses appends over its limit (1 MiB by default). Default 512 KiB. */
  readonly maxGroupBytes?: number;
}

const LOG_PAGE = 512;

/**
 * The event store on EventStoreDB/KurrentDB. Every event is appended to one log stream, whose
 * revision is the global position; the chain hash goes in the event's metadata. Each stream the
 * ledger knows (one per customer) is an EventStoreDB stream of links to its events in the log,
 * written just after the log append and completed by any reader that finds links missing (a
 * writer stopped between the two). Several processes may write: each decides an append on its
 * index of the log and appends with the log's expected revision, so a decision taken on a stale
 * view fails at the server and is taken again; the chain cannot fork.
 */
export const getEventStoreDbEventStore = (options: EventStoreDbStoreOptions): EventStore => {
  const { client } = options;
  const names = streamNames(options.namespace);
  const log = names.log;
  const clock = options.clock ?? systemClock;
  const maxAttempts = options.maxAppendAttempts ?? 100;
  const maxGroupBytes = options.maxGroupBytes ?? 512 * 1024;
  const index = new LogIndex();
  const linkedThrough = new Map<string, number>();
  let closed = false;
  let live: (AsyncIterable<ResolvedEvent> & { unsubscribe(): Promise<void> }) | undefined;

  const ensureOpen = () => {
    if (closed) throw new StoreClosedError();
  };
  const driver = async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
    ensureOpen();
    try {
      return await work();
    } catch (error) {
      throw mapDriverError(error, doing);
    }
  };
  const collect = async (read: AsyncIterable<ResolvedEvent>): Promise<ResolvedEvent[]> => {
    const out: ResolvedEvent[] = [];
    try {
      for await (const event of read) out.push(event);
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
    }
    return out;
  };

  /** Up to `maxCount` log records after `position`. */
  const readLog = (position: number, maxCount: number): Promise<StoredRecord[]> =>
    driver('reading the log', async () => {
      const page = await collect(client.readStream(log, { fromRevision: BigInt(position), maxCount, direction: FORWARDS }));
      return page.map((event) => storedRecordOf(names, event, log));
    });

  const readHead = (): Promise<LogHead> =>
    driver('reading the head of the log', async () => {
      const [last] = await collect(client.readStream(log, { fromRevision: END, maxCount: 1, direction: BACKWARDS }));
      if (!last) return { position: 0, hash: GENESIS_HASH, recordedAt: null };
      const record = storedRecordOf(names, last, log);
      return { position: record.globalPosition, hash: record.hash, recordedAt: record.recordedAt };
    });

  // One catch-up at a time: the index takes the log's records strictly in order.
  let catchingUp: Promise<void> | undefined;
  const catchUp = (): Promise<void> => {
    catchingUp ??= (async () => {
      try {
        for (;;) {
          const page = await readLog(index.position, LOG_PAGE);
          index.apply(page);
          if (page.length < LOG_PAGE) return;
        }
      } finally {
        catchingUp = undefined;
      }
    })();
    return catchingUp;
  };

  /** The stored records of those of these event ids that the log holds already. */
  const storedRecordsOf = async (eventIds: readonly string[]): Promise<Map<string, StoredRecord>> => {
    const known = eventIds.filter((eventId) => index.positionOfEvent(eventId) !== undefined);
    const stored = new Map<string, StoredRecord>();
    // Retries are the only appends that name stored ids; their reads go to the server 32 at a time.
    for (let i = 0; i < known.length; i += 32) {
      const records = await Promise.all(known.slice(i, i + 32).map(async (eventId) => (await readLog(index.positionOfEvent(eventId)! - 1, 1))[0]));
      for (const record of records) if (record) stored.set(record.eventId, record);
    }
    return stored;
  };

  /** Writes the stream's links that are missing (normally those of the append just made). */
  const completeLinks = async (streamId: string): Promise<void> => {
    const positions = index.positionsOf(streamId);
    if (positions.length === 0) return;
    for (let attempt = 0; (linkedThrough.get(streamId) ?? -2) < positions.length - 1; attempt++) {
      const [last] = await driver(`reading stream ${streamId}`, () =>
        collect(client.readStream(names.of(streamId), { fromRevision: END, maxCount: 1, direction: BACKWARDS })),
      );
      const linked = last?.event ? Number(last.event.revision) : -1;
      linkedThrough.set(streamId, linked);
      if (linked >= positions.length - 1 || attempt > 3) return;
      const links = positions.slice(linked + 1).map((position, i) => toLinkEvent(names, streamId, linked + 1 + i, position));
      try {
        await client.appendToStream(names.of(streamId), links, { expectedRevision: expectedStreamRevision(linked) });
        linkedThrough.set(streamId, positions.length - 1);
      } catch (error) {
        // Another process linked them meanwhile: read the stream's end again.
        if (!isWrongExpectedVersion(error)) throw mapDriverError(error, `linking stream ${streamId}`);
      }
    }
  };

  const notifier = new AppendNotifier(async () => (await readHead()).position, options.pollIntervalMs);
  /** The server tells of each append to the log; the poll stays as the fallback if that stream breaks. */
  const listen = () => {
    if (live || closed) return;
    const subscription = client.subscribeToStream(log, { fromRevision: END });
    live = subscription;
    void (async () => {
      try {
        for await (const _event of subscription) notifier.notify();
      } catch {
        // The poll carries on; a later wait subscribes again.
      }
      if (live === subscription) live = undefined;
    })();
  };

  const decode = (records: readonly StoredRecord[]): RecordedEvent[] => records.map((record) => decodeRecord(record.body, record.hash));

  const source: PageSource = openingSource(
    {
      async readPage(after, limit, filter) {
        const page: RecordedEvent[] = [];
        for (let position = after; page.length < limit; ) {
          const records = await readLog(position, Math.max(limit, LOG_PAGE));
          for (const record of records) {
            if (page.length < limit && matchesFilter(filter, record)) page.push(decodeRecord(record.body, record.hash));
          }
          if (records.length < Math.max(limit, LOG_PAGE)) break;
          position = records[records.length - 1]!.globalPosition;
        }
        return page;
      },
      readRecordPage: (after, limit) => readLog(after, limit),
      headPosition: async () => (await readHead()).position,
      waitForAppend: (after, signal) => {
        listen();
        return notifier.waitForAppend(after, signal);
      },
    },
    options.personalData,
  );

  /**
   * Group commit: the appends queued while one group goes to the server are decided together and
   * appended to the log in one call, each accepted or refused on its own. A group decided on a
   * stale index is refused by the server as a whole and decided again after catching up.
   */
  const queue: (QueuedAppend & { settle: (outcome: { result: AppendResult } | { error: unknown }) => void })[] = [];
  let draining: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const waiting = queue.slice();
      let taken = waiting.length;
      for (let attempt = 1; ; attempt++) {
        try {
          await catchUp();
          const stored = await storedRecordsOf(waiting.flatMap((append) => append.events.map((event) => event.eventId)));
          const group = decideGroup(index, stored, waiting, clock(), maxGroupBytes);
          taken = group.decisions.length;
          if (group.records.length > 0) {
            try {
              await client.appendToStream(log, group.records.map(toLogEvent), { expectedRevision: expectedLogRevision(index.position) });
            } catch (error) {
              if (isWrongExpectedVersion(error)) throw new StaleIndex();
              throw mapDriverError(error, 'appending to the log');
            }
            index.apply(group.records);
            notifier.notify();
            // The events are stored: a failure to link them now is repaired by the next read of the stream.
            const streams = new Set(group.records.map((record) => record.streamId));
            await Promise.all([...streams].map((streamId) => completeLinks(streamId).catch(() => undefined)));
          }
          queue.splice(0, group.decisions.length);
          group.decisions.forEach((decision, i) => waiting[i]!.settle(decision));
          break;
        } catch (error) {
          if (error instanceof StaleIndex && attempt < maxAttempts) continue;
          const failure = error instanceof StaleIndex ? new StoreUnavailableError(`EventStoreDB: ${attempt} appends in a row lost the race for the log to other writers`) : error;
          for (const append of queue.splice(0, taken)) append.settle({ error: failure });
          break;
        }
      }
    }
  };

  return {
    async append(streamId, events, appendOptions) {
      ensureOpen();
      const valid = await sealAppend(options.personalData, streamId, validateAppend(options.contract, events));
      ensureOpen();
      const outcome = await new Promise<{ result: AppendResult } | { error: unknown }>((settle) => {
        queue.push({ streamId, events: valid, expected: appendOptions?.expectedRevision ?? 'any', settle });
        draining ??= drain().finally(() => {
          draining = undefined;
        });
      });
      if ('error' in outcome) throw outcome.error;
      return outcome.result;
    },

    async readStream(streamId, readOptions) {
      await catchUp();
      await completeLinks(streamId);
      const currentRevision = index.streamRevision(streamId);
      const { from, to, backwards } = streamSlice(currentRevision, readOptions);
      const count = backwards ? from - to + 1 : to - from + 1;
      if (currentRevision < 0 || count <= 0) return { streamId, currentRevision, events: [] };
      const resolved = await driver(`reading stream ${streamId}`, () =>
        collect(client.readStream(names.of(streamId), { fromRevision: BigInt(from), maxCount: count, direction: backwards ? BACKWARDS : FORWARDS, resolveLinkTos: true })),
      );
      if (resolved.length < count) {
        throw new StoreUnavailableError(`EventStoreDB: stream ${streamId} is at revision ${currentRevision} in the log, but its links could not all be written yet; retry`);
      }
      const records = resolved.map((event) => linkedRecordOf(names, event, streamId));
      return { streamId, currentRevision, events: await openEvents(options.personalData, decode(records)) };
    },

    readAll: (readOptions) => readAllPaged(source, readOptions),
    subscribe: (subscribeOptions) => catchUpSubscription(source, subscribeOptions),
    readStoredRecords: (readOptions) => readRecordsPaged(source, readOptions),
    head: () => readHead(),
    async close() {
      if (closed) return;
      await draining;
      closed = true;
      notifier.notify();
      await live?.unsubscribe().catch(() => undefined);
      await client.dispose();
    },
  };
};

/** The log moved on since the index was read: decide again. */
class StaleIndex extends Error {}
