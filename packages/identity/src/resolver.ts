import { ERASED_VALUE, type AnyVersionEventInput, type CustomerRef, type EventInput, type Identifier } from '@roc-ledger/events';
import { derivedUuid, keyedUuid } from './derivedIds.ts';
import { LinkHistory, timesOf, type LogCut } from './linkHistory.ts';
import { MergeMap } from './mergeMap.ts';
import { createNormalizer, identifierKey, type NormalizationConfig, type Normalizer } from './normalize.ts';

const CUSTOMER_STREAM_PREFIX = 'customer-';

/** What the resolver folds: a stored event with the stream (customer) it was appended to. */
export interface ResolvedEvent {
  readonly type: string;
  readonly streamId: string;
  readonly globalPosition: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly data: unknown;
}

export interface ResolutionPlan {
  /** The canonical customer the event belongs to: it is appended to customer-<customerId>. */
  readonly customerId: string;
  /** Events the ledger records first, in the same append: registrations, links, merges. */
  readonly identityEvents: EventInput[];
  /** True when storing the event changes what the resolver answers. */
  readonly changesIdentity: boolean;
}

const IDENTITY_SOURCE = 'roc-ledger/identity';

/**
 * The only event types whose personal values the resolver reads (the identifier linked). A reader
 * feeding it asks the store to open just these: opening every event's was most of a start's time.
 */
export const RESOLVER_PERSONAL_DATA: readonly string[] = ['IdentifierLinked'];

/**
 * The event types whose contents the resolver folds. Of every other event it needs only that its
 * stream exists from then on: a reader that knows where each stream begins (noteStreamStart) can
 * give it just these.
 */
export const RESOLVER_TYPES: readonly string[] = ['IdentifierLinked', 'CustomerErased', 'CustomersMerged'];

export interface PlanOptions {
  /** Derive a new customer's id from the event rather than from its identifier (whose id a forgotten customer holds). */
  readonly seedFromEvent?: boolean;
  /**
   * The ledger's secret for customer ids derived from an identifier (keyedUuid). Without it the
   * id is an unkeyed hash of the identifier, which only a ledger keeping identifiers in clear (a
   * store without a personal-data guard) may use: anyone with the address could find the customer.
   */
  readonly customerIdKey?: Uint8Array;
}

/**
 * Which customer an event belongs to. Its state is a fold over the log (CustomerRegistered,
 * IdentifierLinked, CustomersMerged, and the first event of every customer stream), so a
 * resolver rebuilt from the log gives the same answers as the one that ingested it.
 *
 * Survivor rule: when two customers turn out to be one person, the one that appeared first in
 * the log (lower global position) survives; the other is merged into it.
 */
export class IdentityResolver {
  private readonly normalize: Normalizer;
  /** Merges so far, with their times: histories and projections read a customer's merged streams from it. */
  readonly merges = new MergeMap();
  private readonly firstSeen = new Map<string, number>();
  /** Every identifier's links and every merge, with their times: what an identifier names now, and in a cut of the log. */
  private readonly history = new LinkHistory();

  constructor(config?: NormalizationConfig) {
    this.normalize = createNormalizer(config);
  }

  /** The surviving customer id for any customer id, following merges. */
  canonical(customerId: string): string {
    return this.merges.canonical(customerId);
  }

  isKnown(customerId: string): boolean {
    return this.firstSeen.has(customerId);
  }

  /** The canonical customer an identifier is linked to, if any. Throws IdentifierRefusedError for junk. */
  lookup(identifier: Identifier, path = 'identifier'): string | undefined {
    const linked = this.history.linkedAt(identifierKey(this.normalize(identifier, path)), {});
    return linked === undefined ? undefined : this.canonical(linked);
  }

  /**
   * The canonical customer an identifier named in a cut of the log, as a resolver folded from
   * only the cut's events would answer; an erased customer's identifiers name nobody in any cut.
   * Throws IdentifierRefusedError for junk.
   */
  lookupAt(identifier: Identifier, cut: LogCut, path = 'identifier'): string | undefined {
    const linked = this.history.linkedAt(identifierKey(this.normalize(identifier, path)), cut);
    return linked === undefined ? undefined : this.history.mergesAt(cut).canonical(linked);
  }

  /** The surviving customer id for a customer id, following only the merges in a cut of the log. */
  canonicalAt(customerId: string, cut: LogCut): string {
    return this.history.mergesAt(cut).canonical(customerId);
  }

  /** The canonical customer a reference names (a customer id, or an identifier), or undefined for nobody. Throws IdentifierRefusedError for junk. */
  resolve(ref: CustomerRef, path = 'customer'): string | undefined {
    return ref.kind === 'customerId' ? (this.isKnown(ref.value) ? this.canonical(ref.value) : undefined) : this.lookup(ref, path);
  }

  /** A stream begins at this position: a customer stream's customer is known from there. Before its events, or alone. */
  noteStreamStart(streamId: string, globalPosition: number): void {
    if (!streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return;
    const customerId = streamId.slice(CUSTOMER_STREAM_PREFIX.length);
    if (!this.firstSeen.has(customerId)) this.firstSeen.set(customerId, globalPosition);
  }

  /** Folds one stored event. Must see events in global order. */
  apply(event: ResolvedEvent): void {
    if (!event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return;
    const customerId = event.streamId.slice(CUSTOMER_STREAM_PREFIX.length);
    if (!this.firstSeen.has(customerId)) this.firstSeen.set(customerId, event.globalPosition);
    if (event.type === 'IdentifierLinked') {
      const { identifier } = event.data as { identifier: Identifier };
      // An erased customer's: it names nobody (read from a sealed log it reads as erased; told late, it was erased since).
      if (identifier.value === ERASED_VALUE || this.history.isErased(customerId)) return;
      let normalized: Identifier;
      try {
        normalized = this.normalize(identifier, 'data.identifier');
      } catch {
        return; // Refused under today's rules: it names nobody.
      }
      this.history.link(identifierKey(normalized), customerId, event.globalPosition, timesOf(event));
    } else if (event.type === 'CustomerErased') {
      // Forgotten: the customer's identifiers name nobody now, so they are free for a new customer.
      this.history.erase((event.data as { members?: readonly string[] }).members ?? this.merges.members(customerId));
    } else if (event.type === 'CustomersMerged') {
      const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
      const record = { survivorId, mergedId, globalPosition: event.globalPosition, occurredAt: event.occurredAt, recordedAt: event.recordedAt };
      this.merges.apply(record);
      this.history.merge(record, timesOf(event));
    }
  }

  /**
   * Decides where an event goes and what identity events must be recorded with it. Pure: the
   * state changes only when the stored events are applied.
   */
  plan(event: AnyVersionEventInput, options: PlanOptions = {}): ResolutionPlan {
    const identityEvents: EventInput[] = [];
    const derive = (role: string, type: EventInput['type'], customerId: string, data: unknown): EventInput =>
      ({
        eventId: derivedUuid(`${event.eventId}/${role}`),
        type,
        schemaVersion: 1,
        customer: { kind: 'customerId', value: customerId },
        channel: 'system',
        source: IDENTITY_SOURCE,
        occurredAt: event.occurredAt,
        correlationId: event.correlationId ?? event.eventId,
        causationId: event.eventId,
        data,
      }) as EventInput;

    // 1. The customer the producer names.
    const ref = event.customer;
    let customerId: string | undefined;
    let refIdentifier: Identifier | undefined;
    if (ref.kind === 'customerId') {
      customerId = this.isKnown(ref.value) ? this.canonical(ref.value) : undefined;
      if (customerId === undefined && event.type === 'CustomerRegistered') customerId = ref.value;
    } else {
      refIdentifier = this.normalize(ref, 'customer.value');
      customerId = this.lookup(refIdentifier);
    }

    // 2. An identifier the event links to that customer, which may already belong to another.
    let linkedOwner: string | undefined;
    if (event.type === 'IdentifierLinked') {
      linkedOwner = this.lookup(event.data.identifier, 'data.identifier');
    }

    // 3. Decide.
    if (customerId === undefined && linkedOwner !== undefined) {
      // An unknown reference presenting a known identifier (a new web visitor logs in with a loyalty card).
      customerId = linkedOwner;
      linkedOwner = undefined;
    }
    if (customerId === undefined) {
      // A new customer's id is derived from the identifier that names them, under the ledger's
      // secret (options.customerIdKey: the id is no clue to the identifier), so that two writer
      // processes meeting the same new person at once pick the same stream and one of them loses
      // the 'no_stream' append (see Ingestor). From the event when the identifier's id is taken:
      // by a forgotten customer, whose stream stays (and whose key, destroyed, seals nothing more).
      const seed = refIdentifier && `customer/${identifierKey(refIdentifier)}`;
      const fromIdentifier = seed && !options.seedFromEvent ? (options.customerIdKey ? keyedUuid(options.customerIdKey, seed) : derivedUuid(seed)) : undefined;
      customerId = ref.kind === 'customerId' ? ref.value : fromIdentifier !== undefined && !this.isKnown(fromIdentifier) ? fromIdentifier : derivedUuid(`customer/${event.eventId}`);
      identityEvents.push(derive('registered', 'CustomerRegistered', customerId, { origin: 'first-contact' }));
    }
    if (refIdentifier && this.lookup(refIdentifier) === undefined) {
      identityEvents.push(derive('linked', 'IdentifierLinked', customerId, { identifier: refIdentifier, verified: false }));
    }
    if (linkedOwner !== undefined && linkedOwner !== customerId) {
      const [survivorId, mergedId] = (this.firstSeen.get(linkedOwner) ?? Infinity) < (this.firstSeen.get(customerId) ?? Infinity) ? [linkedOwner, customerId] : [customerId, linkedOwner];
      identityEvents.push(derive('merged', 'CustomersMerged', survivorId, { survivorId, mergedId, reason: `event ${event.eventId} links an identifier of ${linkedOwner} to ${customerId}` }));
      customerId = survivorId;
    }

    // A link that is already in place changes nothing, and need not hold up the events behind it.
    const relinks = event.type === 'IdentifierLinked' && this.lookup(event.data.identifier, 'data.identifier') === customerId;
    const changesIdentity = identityEvents.length > 0 || (event.type === 'IdentifierLinked' && !relinks) || event.type === 'CustomersMerged' || event.type === 'CustomerErased' || !this.isKnown(customerId);
    return { customerId, identityEvents, changesIdentity };
  }

  /**
   * The identity keys an event names, from the event alone (normalised; throws for junk): its
   * customer reference and, for IdentifierLinked, the identifier it links. Events naming the
   * same key must be decided in arrival order.
   */
  keysOf(event: AnyVersionEventInput): string[] {
    const ref = event.customer;
    const keys = [ref.kind === 'customerId' ? `customerId:${ref.value}` : identifierKey(this.normalize(ref, 'customer.value'))];
    if (event.type === 'IdentifierLinked') keys.push(identifierKey(this.normalize(event.data.identifier, 'data.identifier')));
    return keys;
  }
}
