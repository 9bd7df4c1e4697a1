import { currentVersionOf, uuidv7, type Channel, type CustomerRef, type EventOfType, type EventType } from '@roc-ledger/events';

export interface EventFields<T extends EventType> {
  readonly customer: CustomerRef;
  readonly channel: Channel;
  readonly source: string;
  readonly data: EventOfType<T>['data'];
  /** When it happened; now if omitted. A Date or an ISO-8601 time with an offset. */
  readonly occurredAt?: Date | string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Keep the id of an event you are re-sending; a new UUIDv7 otherwise. */
  readonly eventId?: string;
}

/** An event of the current schema version of its type, typed by the contract, with a UUIDv7 id. */
export const createEvent = <T extends EventType>(type: T, fields: EventFields<T>): EventOfType<T> =>
  ({
    eventId: fields.eventId ?? uuidv7(),
    type,
    schemaVersion: currentVersionOf.get(type)!,
    customer: fields.customer,
    channel: fields.channel,
    source: fields.source,
    occurredAt: fields.occurredAt instanceof Date ? fields.occurredAt.toISOString() : (fields.occurredAt ?? new Date().toISOString()),
    ...(fields.correlationId ? { correlationId: fields.correlationId } : {}),
    ...(fields.causationId ? { causationId: fields.causationId } : {}),
    data: fields.data,
  }) as EventOfType<T>;
