import { hash } from 'node:crypto';
import { currentVersionOf, upcast, type AnyVersionEventInput } from '@roc-ledger/events';
import type { RecordedEvent, StoredRecord } from './types.ts';

/** The chain's hash before the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** hash(n) = sha256(hash(n-1) ‖ body(n)), hex. The hash covers exactly the stored bytes. */
export const chainHash = (previousHash: string, body: string): string => hash('sha256', previousHash + body, 'hex');

interface LedgerFields {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamRevision: number;
  readonly recordedAt: string;
}

/** The producer's part of an event, in the fixed key order every stored body uses. */
const producerEnvelope = (event: AnyVersionEventInput) => ({
  eventId: event.eventId,
  type: event.type,
  schemaVersion: event.schemaVersion,
  customer: event.customer,
  channel: event.channel,
  source: event.source,
  occurredAt: event.occurredAt,
  correlationId: event.correlationId,
  causationId: event.causationId,
  data: event.data,
});

/** The stored bytes of an event: ledger fields first, then the producer's envelope. */
export const encodeBody = (ledger: LedgerFields, event: AnyVersionEventInput): string =>
  JSON.stringify({
    globalPosition: ledger.globalPosition,
    streamId: ledger.streamId,
    streamRevision: ledger.streamRevision,
    recordedAt: ledger.recordedAt,
    ...producerEnvelope(event),
  });

/** A stored record as readers see it: parsed and upcast to the current schema version. Hot path of every read. */
export const decodeRecord = (body: string, hash: string): RecordedEvent => {
  let event = JSON.parse(body) as AnyVersionEventInput & LedgerFields & { hash: string };
  if (event.schemaVersion !== currentVersionOf.get(event.type)) event = upcast(event);
  event.hash = hash;
  return event as unknown as RecordedEvent;
};

/** JSON with object keys sorted: the same value always gives the same text, whatever key order it came in. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );

/** The producer's part of an event, canonical: what idempotency compares. */
export const producerContent = (streamId: string, event: AnyVersionEventInput): string =>
  canonicalJson({ streamId, ...producerEnvelope(event) });

export const storedProducerContent = (record: Pick<StoredRecord, 'body' | 'streamId'>): string => {
  const parsed = JSON.parse(record.body) as AnyVersionEventInput;
  return producerContent(record.streamId, parsed);
};
