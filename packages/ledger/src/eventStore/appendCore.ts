import type { AnyVersionEventInput } from '@roc-ledger/events';
import { EventIdConflictError, PartialDuplicateError, WrongExpectedRevisionError } from '../errors/index.ts';
import { chainHash, encodeBody, producerContent, storedProducerContent } from './recordCodec.ts';
import { assertStreamId } from './streamIds.ts';
import type { AppendedEvent, AppendResult, ExpectedRevision, LogHead, StoredRecord } from './types.ts';

/**
 * A synchronous view of the log inside one write transaction. Backends that can lock
 * (SQLite, memory) implement it; the rules of an append live once, in appendInTransaction.
 */
export interface AppendTransaction {
  head(): LogHead;
  /** Revision of the stream's last event, or -1. */
  streamRevision(streamId: string): number;
  findByEventId(eventId: string): StoredRecord | undefined;
  /**
   * Inserts all records or none. Returns 'duplicate-event-id' (having inserted none) when an
   * event id is already stored: the common path then needs no lookup per event.
   */
  insertAll(records: readonly StoredRecord[]): 'inserted' | 'duplicate-event-id';
}

export const checkExpectedRevision = (streamId: string, expected: ExpectedRevision, actual: number): boolean =>
  expected === 'any' ||
  (expected === 'no_stream' && actual === -1) ||
  (expected === 'stream_exists' && actual >= 0) ||
  expected === actual;

const laterOf = (a: string | null, b: string): string => (a !== null && a > b ? a : b);

const acknowledged = (record: StoredRecord): AppendedEvent => ({
  eventId: record.eventId,
  globalPosition: record.globalPosition,
  streamRevision: record.streamRevision,
  recordedAt: record.recordedAt,
  duplicate: true,
});

/** Drops repeats of an event id within one append; a repeat with other content is a conflict. */
const uniqueById = (streamId: string, events: readonly AnyVersionEventInput[]): AnyVersionEventInput[] => {
  const byId = new Map<string, AnyVersionEventInput>();
  for (const event of events) {
    const seen = byId.get(event.eventId);
    if (seen === undefined) byId.set(event.eventId, event);
    else if (seen !== event && producerContent(streamId, seen) !== producerContent(streamId, event)) {
      throw new EventIdConflictError(event.eventId, 'it appears twice in this append with different content');
    }
  }
  return [...byId.values()];
};

/**
 * The slow path, taken only when an event id is already stored: acknowledge a retry whose
 * events are all stored with the same content, otherwise say exactly what conflicts.
 * Returns undefined when none of the events is stored.
 */
const acknowledgeRetry = (
  tx: AppendTransaction,
  streamId: string,
  events: readonly AnyVersionEventInput[],
  unique: readonly AnyVersionEventInput[],
): AppendResult | undefined => {
  const stored = new Map<string, StoredRecord>();
  for (const event of unique) {
    const existing = tx.findByEventId(event.eventId);
    if (!existing) continue;
    if (storedProducerContent(existing) !== producerContent(streamId, event)) {
      throw new EventIdConflictError(event.eventId, `stored at position ${existing.globalPosition} in stream ${existing.streamId}`, {
        streamId: existing.streamId,
        globalPosition: existing.globalPosition,
      });
    }
    stored.set(event.eventId, existing);
  }
  if (stored.size === 0) return undefined;
  if (stored.size < unique.length) {
    throw new PartialDuplicateError([...stored.keys()], unique.filter((e) => !stored.has(e.eventId)).map((e) => e.eventId));
  }
  return { streamId, nextExpectedRevision: tx.streamRevision(streamId), events: events.map((e) => acknowledged(stored.get(e.eventId)!)) };
};

/**
 * Appends events to a stream, or acknowledges them if every one is already stored with the
 * same content (a producer's retry, even with a now-stale expected revision). Inserts all or
 * nothing, so the caller's transaction never holds part of an append.
 */
export const appendInTransaction = (
  tx: AppendTransaction,
  streamId: string,
  events: readonly AnyVersionEventInput[],
  expected: ExpectedRevision,
  now: Date,
): AppendResult => {
  assertStreamId(streamId);
  const unique = uniqueById(streamId, events);
  const current = tx.streamRevision(streamId);
  if (!checkExpectedRevision(streamId, expected, current)) {
    const retry = acknowledgeRetry(tx, streamId, events, unique);
    if (retry) return retry;
    throw new WrongExpectedRevisionError(streamId, String(expected), current);
  }

  const head = tx.head();
  // Transaction time never runs backwards along the log, so "known at K" is a prefix of it.
  const recordedAt = laterOf(head.recordedAt, now.toISOString());
  let previousHash = head.hash;
  const records = unique.map((event, i): StoredRecord => {
    const ledger = { globalPosition: head.position + 1 + i, streamId, streamRevision: current + 1 + i, recordedAt };
    const body = encodeBody(ledger, event);
    previousHash = chainHash(previousHash, body);
    return { ...ledger, eventId: event.eventId, type: event.type, body, hash: previousHash };
  });

  if (tx.insertAll(records) === 'duplicate-event-id') {
    const retry = acknowledgeRetry(tx, streamId, events, unique);
    if (!retry) throw new Error('insertAll reported a stored event id that findByEventId cannot find');
    return retry;
  }
  const byId = new Map(records.map((r) => [r.eventId, r]));
  return {
    streamId,
    nextExpectedRevision: current + unique.length,
    events: events.map((e) => {
      const r = byId.get(e.eventId)!;
      return { eventId: r.eventId, globalPosition: r.globalPosition, streamRevision: r.streamRevision, recordedAt, duplicate: false };
    }),
  };
};
