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
  insert(record: StoredRecord): void;
}

const describeExpected = (expected: ExpectedRevision): string => String(expected);

export const checkExpectedRevision = (streamId: string, expected: ExpectedRevision, actual: number): void => {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === -1) ||
    (expected === 'stream_exists' && actual >= 0) ||
    expected === actual;
  if (!ok) throw new WrongExpectedRevisionError(streamId, describeExpected(expected), actual);
};

const laterOf = (a: string | null, b: string): string => (a !== null && a > b ? a : b);

/**
 * Appends events to a stream, or acknowledges them if every one is already stored with the
 * same content (a producer's retry). Throws before inserting anything, so the caller's
 * transaction rolls back whole.
 */
export const appendInTransaction = (
  tx: AppendTransaction,
  streamId: string,
  events: readonly AnyVersionEventInput[],
  expected: ExpectedRevision,
  now: Date,
): AppendResult => {
  assertStreamId(streamId);
  const contents = new Map<string, string>();
  const unique: AnyVersionEventInput[] = [];
  for (const event of events) {
    const content = producerContent(streamId, event);
    const seen = contents.get(event.eventId);
    if (seen === undefined) {
      contents.set(event.eventId, content);
      unique.push(event);
    } else if (seen !== content) {
      throw new EventIdConflictError(event.eventId, 'it appears twice in this append with different content');
    }
  }

  const stored = new Map<string, StoredRecord>();
  for (const event of unique) {
    const existing = tx.findByEventId(event.eventId);
    if (!existing) continue;
    if (storedProducerContent(existing) !== contents.get(event.eventId)) {
      throw new EventIdConflictError(
        event.eventId,
        `stored at position ${existing.globalPosition} in stream ${existing.streamId}`,
      );
    }
    stored.set(event.eventId, existing);
  }

  if (stored.size > 0 && stored.size === unique.length) {
    const revision = tx.streamRevision(streamId);
    return { streamId, nextExpectedRevision: revision, events: events.map((e) => acknowledged(stored.get(e.eventId)!)) };
  }
  if (stored.size > 0) {
    const fresh = unique.filter((e) => !stored.has(e.eventId)).map((e) => e.eventId);
    throw new PartialDuplicateError([...stored.keys()], fresh);
  }

  const current = tx.streamRevision(streamId);
  checkExpectedRevision(streamId, expected, current);

  const head = tx.head();
  // Transaction time never runs backwards along the log, so "known at K" is a prefix of it.
  const recordedAt = laterOf(head.recordedAt, now.toISOString());
  let previousHash = head.hash;
  const appended = new Map<string, AppendedEvent>();
  unique.forEach((event, i) => {
    const ledger = {
      globalPosition: head.position + 1 + i,
      streamId,
      streamRevision: current + 1 + i,
      recordedAt,
    };
    const body = encodeBody(ledger, event);
    const hash = chainHash(previousHash, body);
    previousHash = hash;
    tx.insert({ ...ledger, eventId: event.eventId, type: event.type, body, hash });
    appended.set(event.eventId, { eventId: event.eventId, globalPosition: ledger.globalPosition, streamRevision: ledger.streamRevision, recordedAt, duplicate: false });
  });
  return {
    streamId,
    nextExpectedRevision: current + unique.length,
    events: events.map((e) => appended.get(e.eventId)!),
  };
};

const acknowledged = (record: StoredRecord): AppendedEvent => ({
  eventId: record.eventId,
  globalPosition: record.globalPosition,
  streamRevision: record.streamRevision,
  recordedAt: record.recordedAt,
  duplicate: true,
});
