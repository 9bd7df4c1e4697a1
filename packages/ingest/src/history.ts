import type { CustomerRef } from '@roc-ledger/events';
import type { IdentityResolver } from '@roc-ledger/identity';
import { customerStreamId, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';

export interface HistoryOptions {
  /** Valid time: only what had happened by then. */
  readonly asOf?: Date;
  /** Transaction time: only what the ledger had recorded by then. */
  readonly knownAt?: Date;
}

export interface CustomerHistory {
  readonly customerId: string;
  /** Every event of the customer's streams (its own and those merged into it), before the cuts. */
  readonly total: number;
  /** The events within both cuts, in valid-time order (ties in log order). */
  readonly events: readonly RecordedEvent[];
}

/** One customer's events by valid time, cut by valid and transaction time; undefined for an unknown customer. */
export const customerHistory = async (store: EventStore, resolver: IdentityResolver, ref: CustomerRef, options: HistoryOptions = {}): Promise<CustomerHistory | undefined> => {
  const customerId = resolver.resolve(ref);
  if (customerId === undefined) return undefined;
  // A merged customer's events stay in the stream they were appended to: read every member's.
  const streams = await Promise.all(resolver.merges.members(customerId).map((id) => store.readStream(customerStreamId(id))));
  const events = streams.flatMap((stream) => stream.events);
  const asOf = options.asOf?.getTime() ?? Number.POSITIVE_INFINITY;
  const knownAt = options.knownAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const shown = events
    .filter((e) => Date.parse(e.occurredAt) <= asOf && Date.parse(e.recordedAt) <= knownAt)
    .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || a.globalPosition - b.globalPosition);
  return { customerId, total: events.length, events: shown };
};
