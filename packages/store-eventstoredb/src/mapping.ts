import { createHash } from 'node:crypto';
import { NO_STREAM, type AppendExpectedRevision, type EventData, type ResolvedEvent } from '@eventstore/db-client';
import { StoreCorruptError, type StoredRecord } from '@roc-ledger/ledger';

/**
 * The ledger's log: one EventStoreDB stream holding every event in global order, so that the
 * ledger's global position is the stream revision + 1 and the hash chain is fixed at append time
 * by the server's expected-revision check. The leading underscore keeps it apart from every
 * stream id the ledger accepts (they start alphanumeric).
 */
export const LOG_STREAM = '_roc-ledger-log';

/** Where a ledger keeps its streams in the database; a namespace lets several ledgers (or test runs) share one. */
export interface StreamNames {
  readonly log: string;
  /** The EventStoreDB stream of one of the ledger's streams. */
  of(streamId: string): string;
}

export const streamNames = (namespace?: string): StreamNames =>
  namespace ? { log: `${LOG_STREAM}.${namespace}`, of: (streamId) => `${namespace}.${streamId}` } : { log: LOG_STREAM, of: (streamId) => streamId };

/** EventStoreDB's link event: a customer stream holds one per event, pointing into the log. */
export const LINK_EVENT_TYPE = '$>';

export const logRevisionOf = (globalPosition: number): bigint => BigInt(globalPosition - 1);
export const positionOfLogRevision = (revision: bigint): number => Number(revision) + 1;

/** The expected revision of the log for an append after `headPosition` events. */
export const expectedLogRevision = (headPosition: number): AppendExpectedRevision =>
  headPosition === 0 ? NO_STREAM : logRevisionOf(headPosition);

/** The expected revision of a stream whose last event has `revision` (-1: none). */
export const expectedStreamRevision = (revision: number): AppendExpectedRevision => (revision < 0 ? NO_STREAM : BigInt(revision));

type LogMetadata = {
  readonly hash: string;
  readonly $correlationId?: string;
  readonly $causationId?: string;
};

/**
 * A stored record as an event of the log. The client writes `JSON.stringify(data)`, which gives
 * back exactly the body (the body is itself JSON.stringify output), so the hash covers the bytes
 * the server keeps. The correlation and causation ids go where EventStoreDB's own tools look.
 */
export const toLogEvent = (record: StoredRecord): EventData => {
  const data = JSON.parse(record.body) as { correlationId?: string; causationId?: string };
  const metadata: LogMetadata = {
    hash: record.hash,
    ...(data.correlationId ? { $correlationId: data.correlationId } : {}),
    ...(data.causationId ? { $causationId: data.causationId } : {}),
  };
  return { id: record.eventId, contentType: 'application/json', type: record.type, data, metadata };
};

/** A UUID that is a function of its input (sha-256, version 8), so a repeated link is the same event to the server. */
export const deterministicUuid = (input: string): string => {
  const bytes = createHash('sha256').update(input).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The link at `streamRevision` of `streamId` to the log event at `globalPosition`. */
export const toLinkEvent = (names: StreamNames, streamId: string, streamRevision: number, globalPosition: number): EventData => ({
  id: deterministicUuid(`${names.of(streamId)}#${streamRevision}`),
  contentType: 'application/octet-stream',
  type: LINK_EVENT_TYPE,
  data: new TextEncoder().encode(`${logRevisionOf(globalPosition)}@${names.log}`),
  metadata: undefined,
});

interface BodyLedgerFields {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamRevision: number;
  readonly recordedAt: string;
  readonly eventId: string;
}

/**
 * A log event read back (directly, or through a resolved link) as the record the chain covers.
 * Anything that is not one of the log's events in its place is corruption, said with where.
 */
export const storedRecordOf = (names: StreamNames, resolved: ResolvedEvent, where: string): StoredRecord => {
  const event = resolved.event;
  if (!event) throw new StoreCorruptError(`${where}: a link whose log event is gone (was the log stream truncated or scavenged?)`);
  if (event.streamId !== names.log || !event.isJson) {
    throw new StoreCorruptError(`${where}: event ${event.id} of stream ${event.streamId} is not one of the ledger's log events`);
  }
  const data = event.data as unknown as BodyLedgerFields;
  const globalPosition = positionOfLogRevision(event.revision);
  if (data.globalPosition !== globalPosition || data.eventId !== event.id) {
    throw new StoreCorruptError(`${where}: log revision ${event.revision} holds event ${data.eventId} at position ${data.globalPosition}`);
  }
  const metadata = event.metadata as Partial<LogMetadata> | undefined;
  if (typeof metadata?.hash !== 'string') throw new StoreCorruptError(`${where}: log event at position ${globalPosition} has no chain hash`);
  return {
    globalPosition,
    streamId: data.streamId,
    streamRevision: data.streamRevision,
    eventId: data.eventId,
    type: event.type,
    recordedAt: data.recordedAt,
    body: JSON.stringify(event.data),
    hash: metadata.hash,
  };
};

/** Checks that a resolved event of a customer stream is the link at `revision`, and returns its record. */
export const linkedRecordOf = (names: StreamNames, resolved: ResolvedEvent, streamId: string): StoredRecord => {
  const link = resolved.link;
  if (!link) throw new StoreCorruptError(`stream ${streamId}: holds event ${resolved.event?.id} that is not a link into the ledger's log`);
  const record = storedRecordOf(names, resolved, `stream ${streamId} revision ${link.revision}`);
  if (record.streamId !== streamId || BigInt(record.streamRevision) !== link.revision) {
    throw new StoreCorruptError(
      `stream ${streamId}: the link at revision ${link.revision} points to position ${record.globalPosition}, an event of ${record.streamId} revision ${record.streamRevision}`,
    );
  }
  return record;
};
