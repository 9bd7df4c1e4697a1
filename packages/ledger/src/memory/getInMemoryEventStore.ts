import { appendInTransaction, type AppendTransaction } from '../eventStore/appendCore.ts';
import { AppendNotifier } from '../eventStore/appendNotifier.ts';
import { matchesFilter, readAllPaged, readRecordsPaged, type PageSource } from '../eventStore/paging.ts';
import { decodeRecord, GENESIS_HASH } from '../eventStore/recordCodec.ts';
import { openEvents, openingSource, sealAppend } from '../eventStore/personalData.ts';
import { streamSlice } from '../eventStore/readStreamSlice.ts';
import { systemClock, validateAppend, type StoreOptions } from '../eventStore/storeOptions.ts';
import { catchUpSubscription } from '../eventStore/subscription.ts';
import type { EventStore, LogHead, StoredRecord } from '../eventStore/types.ts';
import { StoreClosedError } from '../errors/index.ts';

/** A store in memory for fast tests. It passes the same conformance suite as the durable ones. */
export const getInMemoryEventStore = (options: StoreOptions): EventStore => {
  const clock = options.clock ?? systemClock;
  const log: StoredRecord[] = [];
  const byEventId = new Map<string, StoredRecord>();
  const streams = new Map<string, StoredRecord[]>();
  let closed = false;

  const head = (): LogHead => {
    const last = log.at(-1);
    return last ? { position: last.globalPosition, hash: last.hash, recordedAt: last.recordedAt } : { position: 0, hash: GENESIS_HASH, recordedAt: null };
  };
  const ensureOpen = () => {
    if (closed) throw new StoreClosedError();
  };

  const notifier = new AppendNotifier(async () => head().position);

  const source: PageSource = openingSource({
    async readPage(after, limit, filter) {
      ensureOpen();
      const page = [];
      for (let i = after; i < log.length && page.length < limit; i++) {
        const record = log[i]!;
        if (matchesFilter(filter, record)) page.push(decodeRecord(record.body, record.hash));
      }
      return page;
    },
    async readRecordPage(after, limit) {
      ensureOpen();
      return log.slice(after, after + limit);
    },
    headPosition: async () => head().position,
    waitForAppend: (after, signal) => notifier.waitForAppend(after, signal),
  }, options.personalData);

  return {
    async append(streamId, events, appendOptions = {}) {
      ensureOpen();
      const valid = await sealAppend(options.personalData, streamId, validateAppend(options.contract, events));
      const pending: StoredRecord[] = [];
      const tx: AppendTransaction = {
        head: () => {
          const last = pending.at(-1);
          return last ? { position: last.globalPosition, hash: last.hash, recordedAt: last.recordedAt } : head();
        },
        streamRevision: (id) => (streams.get(id)?.length ?? 0) - 1,
        findByEventId: (id) => byEventId.get(id),
        insertAll: (records) => {
          if (records.some((r) => byEventId.has(r.eventId))) return 'duplicate-event-id';
          pending.push(...records);
          return 'inserted';
        },
      };
      const result = appendInTransaction(tx, streamId, valid, appendOptions.expectedRevision ?? 'any', clock());
      for (const record of pending) {
        log.push(record);
        byEventId.set(record.eventId, record);
        const stream = streams.get(record.streamId) ?? [];
        stream.push(record);
        streams.set(record.streamId, stream);
      }
      if (pending.length > 0) notifier.notify();
      return result;
    },

    async readStream(streamId, readOptions) {
      ensureOpen();
      const stream = streams.get(streamId) ?? [];
      const currentRevision = stream.length - 1;
      const { from, to, backwards } = streamSlice(currentRevision, readOptions);
      const slice = backwards ? stream.slice(to, from + 1).reverse() : stream.slice(from, to + 1);
      return { streamId, currentRevision, events: await openEvents(options.personalData, slice.map((r) => decodeRecord(r.body, r.hash))) };
    },

    readAll: (readOptions) => readAllPaged(source, readOptions),
    subscribe: (subscribeOptions) => catchUpSubscription(source, subscribeOptions),
    readStoredRecords: (readOptions) => readRecordsPaged(source, readOptions),
    head: async () => head(),
    async *streamStarts({ after, through }) {
      ensureOpen();
      for (const record of log.slice(after, through)) if (record.streamRevision === 0) yield { streamId: record.streamId, globalPosition: record.globalPosition };
    },
    async close() {
      closed = true;
      notifier.notify();
    },
  };
};
