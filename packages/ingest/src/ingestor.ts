import { CHANNELS, type AnyVersionEventInput, type Contract, type CustomerRef } from '@roc-ledger/events';
import { IdentityResolver, inCut, RESOLVER_PERSONAL_DATA, RESOLVER_TYPES, timesOf, type LogCut, type NormalizationConfig, type PlanOptions, type ResolutionPlan } from '@roc-ledger/identity';
import { customerStreamId, EventIdConflictError, WrongExpectedRevisionError, type AppendResult, type EventStore } from '@roc-ledger/ledger';
import { ChannelNotAllowedError, LEDGER_RECORDED_TYPES, OccurredInFutureError, ReservedTypeError } from './errors.ts';

export interface IngestorOptions {
  readonly store: EventStore;
  readonly contract: Contract;
  /** How far ahead of the ledger's clock occurredAt may be (clock skew between systems). Default 5 minutes. */
  readonly maxFutureSkewMs?: number;
  readonly clock?: () => Date;
  readonly normalization?: NormalizationConfig;
  /**
   * Other processes append to the same log (separate API and Kafka-ingest services): before an
   * event that would register or link a customer, the resolver first reads what they appended.
   */
  readonly otherWriters?: boolean;
  /**
   * The ledger's secret under which new customers' ids are derived from the identifier that first
   * names them (see PlanOptions.customerIdKey): every process writing to one ledger must get the
   * same. Asked for once, when the first event naming a customer by an identifier arrives; a
   * failure (key store out of reach) refuses that event, and the next such event asks again.
   * Without it the id is an unkeyed hash of the identifier: only for stores without a personal-data
   * guard, which keep identifiers in clear anyway.
   */
  readonly customerIdKey?: () => Promise<Uint8Array>;
}

export interface IngestOptions {
  /** Channels the publisher may publish; undefined means any (trusted internal callers). */
  readonly allowedChannels?: readonly string[];
  /** The ledger records this event itself (types no publisher may send, such as CustomerErased). */
  readonly recordedByLedger?: boolean;
}

/** The event's channel for metrics: one of the catalogue's, else `unknown`. */
const channelOf = (raw: unknown): string => {
  const channel = (raw as { channel?: unknown } | null)?.channel;
  return typeof channel === 'string' && (CHANNELS as readonly string[]).includes(channel) ? channel : 'unknown';
};

/** Told of every ingestion, stored or refused: what metrics count. */
export interface IngestObserver {
  ingested(outcome: { channel: string; duplicate: boolean; seconds: number }): void;
  rejected(outcome: { channel: string; code: string; retriable: boolean }): void;
}

export interface IngestResult {
  readonly eventId: string;
  readonly customerId: string;
  readonly streamId: string;
  readonly globalPosition: number;
  readonly streamRevision: number;
  readonly recordedAt: string;
  /** Already stored with the same content: acknowledged with its original position. */
  readonly duplicate: boolean;
  /** Events the ledger recorded with it (registration, links, merges), by type. */
  readonly identityEvents: readonly string[];
}

/** The plan registers a new customer: its stream must not exist yet. */
const registers = (plan: ResolutionPlan): boolean => plan.identityEvents.some((e) => e.type === 'CustomerRegistered');

/**
 * The one way in for HTTP, Kafka and the CLI: validate against the contract, refuse events
 * dated too far ahead, resolve the customer, append. Events of unrelated customers append
 * concurrently, so concurrent publishers share the store's group commit.
 */
export class Ingestor {
  readonly resolver: IdentityResolver;
  private readonly options: IngestorOptions;
  private readonly clock: () => Date;
  private readonly maxFutureSkewMs: number;
  /** The last arrival waiting on or holding each identity key. Its promise never rejects. */
  private readonly queues = new Map<string, Promise<void>>();
  private caughtUpTo = 0;
  private catchingUp: Promise<void> = Promise.resolve();
  private readonly observers: IngestObserver[] = [];
  private waiting = 0;
  private noneWaiting: { promise: Promise<void>; resolve: () => void } | undefined;
  private customerIdKey: Promise<Uint8Array> | undefined;

  private constructor(options: IngestorOptions) {
    this.options = options;
    this.clock = options.clock ?? (() => new Date());
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 5 * 60_000;
    this.resolver = new IdentityResolver(options.normalization);
  }

  /** Builds the resolver from the log, then ingests. */
  static async open(options: IngestorOptions): Promise<Ingestor> {
    const ingestor = new Ingestor(options);
    // The first fold reads the identity events of the whole log: pages the store need not keep.
    const { store } = options;
    await (store.scan ? store.scan(() => ingestor.catchUp()) : ingestor.catchUp());
    return ingestor;
  }

  /**
   * The canonical customer a reference named in a cut of the log (the events that had happened by
   * asOf and were recorded by knownAt), as a resolver folded from just those events would answer;
   * undefined for nobody. Throws IdentifierRefusedError for junk.
   */
  async resolveAt(ref: CustomerRef, cut: { asOf?: Date; knownAt?: Date }): Promise<string | undefined> {
    if (this.options.otherWriters) await this.catchUp();
    const logCut: LogCut = { ...(cut.asOf ? { asOf: cut.asOf.getTime() } : {}), ...(cut.knownAt ? { knownAt: cut.knownAt.getTime() } : {}) };
    if (ref.kind !== 'customerId') return this.resolver.lookupAt(ref, logCut);
    // A customer id names someone in the cut once any event of its stream is in it.
    const { events } = await this.options.store.readStream(customerStreamId(ref.value));
    const known = events.some((event) => inCut(timesOf(event), logCut));
    return known ? this.resolver.canonicalAt(ref.value, logCut) : undefined;
  }

  /**
   * Folds events appended since the last fold (by this or another process) into the resolver. One
   * at a time: two folds at once would apply events out of order (a link after the erasure that
   * undid it).
   */
  catchUp(): Promise<void> {
    const next = this.catchingUp.then(async () => {
      const store = this.options.store;
      if (!store.streamStarts) {
        for await (const event of store.readAll({ fromPosition: this.caughtUpTo + 1, pageSize: 2048, openPersonalData: RESOLVER_PERSONAL_DATA })) {
          this.resolver.apply(event);
          this.caughtUpTo = event.globalPosition;
        }
        return;
      }
      // Where each stream begins, then only the types the resolver folds: the same state as folding
      // every event, without decoding them all (most of a start's time on a large log).
      const through = (await store.head()).position;
      if (through <= this.caughtUpTo) return;
      for await (const start of store.streamStarts({ after: this.caughtUpTo, through })) this.resolver.noteStreamStart(start.streamId, start.globalPosition);
      for await (const event of store.readAll({ fromPosition: this.caughtUpTo + 1, types: RESOLVER_TYPES, pageSize: 2048, openPersonalData: RESOLVER_PERSONAL_DATA })) {
        if (event.globalPosition > through) break;
        this.resolver.apply(event);
      }
      this.caughtUpTo = through;
    });
    this.catchingUp = next.catch(() => undefined);
    return next;
  }

  /** Adds an observer of every ingestion (metrics). */
  observe(observer: IngestObserver): void {
    this.observers.push(observer);
  }

  /** Validates (throws ContractViolationError and friends) and stores one event. */
  async ingest(raw: unknown, options: IngestOptions = {}): Promise<IngestResult> {
    if (this.observers.length === 0) return this.accept(raw, options);
    const started = performance.now();
    try {
      const result = await this.accept(raw, options);
      for (const o of this.observers) o.ingested({ channel: channelOf(raw), duplicate: result.duplicate, seconds: (performance.now() - started) / 1000 });
      return result;
    } catch (error) {
      this.reportRejected(raw, error);
      throw error;
    }
  }

  /** Tells the observers of an event refused before it reached ingest (the HTTP layer validates single events itself). */
  reportRejected(raw: unknown, error: unknown): void {
    const { code, retriable } = error as { code?: unknown; retriable?: unknown };
    for (const o of this.observers) o.rejected({ channel: channelOf(raw), code: typeof code === 'string' ? code : 'INTERNAL', retriable: retriable === true });
  }

  private async accept(raw: unknown, options: IngestOptions): Promise<IngestResult> {
    const event = this.options.contract.parse(raw);
    if (!options.recordedByLedger && LEDGER_RECORDED_TYPES.includes(event.type)) throw new ReservedTypeError(event.eventId, event.type);
    if (options.allowedChannels && !options.allowedChannels.includes(event.channel)) {
      throw new ChannelNotAllowedError(event.eventId, event.channel, options.allowedChannels);
    }
    const limit = this.clock().getTime() + this.maxFutureSkewMs;
    if (Date.parse(event.occurredAt) > limit) throw new OccurredInFutureError(event.eventId, event.occurredAt, new Date(limit).toISOString());
    return this.store(event);
  }

  /**
   * Events naming the same identity key are decided in the order they arrived: each takes its
   * place in the key's queue before its first await. A plain event leaves the queue once its
   * append is queued in the store (which keeps that order); an event that changes identity
   * stays until it is stored and folded into the resolver, so those behind it see its effect.
   */
  private async store(event: AnyVersionEventInput): Promise<IngestResult> {
    const keys = this.resolver.keysOf(event);
    const ahead = keys.map((key) => this.queues.get(key)).filter((p) => p !== undefined);
    let leave!: () => void;
    const turn = new Promise<void>((resolve) => (leave = resolve));
    for (const key of keys) this.queues.set(key, turn);
    try {
      if (ahead.length > 0) await this.wait(ahead);
      const planning = this.options.customerIdKey && event.customer.kind !== 'customerId' ? await this.planOptionsFor(this.options.customerIdKey) : {};
      let plan = this.resolver.plan(event, planning);
      if (plan.identityEvents.length > 0 && this.options.otherWriters) {
        await this.catchUp();
        plan = this.resolver.plan(event, planning);
      }
      let events = [...plan.identityEvents, event];
      const append = this.appendOrAcknowledge(customerStreamId(plan.customerId), events, registers(plan) ? 'no_stream' : 'any');
      if (!plan.changesIdentity) leave();
      let result: AppendResult;
      try {
        result = await append;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || !registers(plan)) throw error;
        // Another writer registered this customer first: read what it stored and decide again.
        // Still new after that, the identifier's id belongs to a forgotten customer: a fresh one.
        await this.catchUp();
        const again = this.resolver.plan(event, planning);
        plan = registers(again) && again.customerId === plan.customerId ? this.resolver.plan(event, { ...planning, seedFromEvent: true }) : again;
        events = [...plan.identityEvents, event];
        result = await this.appendOrAcknowledge(customerStreamId(plan.customerId), events, registers(plan) ? 'no_stream' : 'any');
      }
      // A link already in place changes no answer now, but does in a cut before its first link (resolveAt).
      if (plan.changesIdentity || event.type === 'IdentifierLinked') this.applyStored(result, events);
      const stored = result.events.at(-1)!;
      return {
        eventId: event.eventId,
        customerId: result.streamId.slice('customer-'.length),
        streamId: result.streamId,
        globalPosition: stored.globalPosition,
        streamRevision: stored.streamRevision,
        recordedAt: stored.recordedAt,
        duplicate: stored.duplicate,
        identityEvents: plan.identityEvents.filter((_, i) => !result.events[i]!.duplicate).map((e) => e.type),
      };
    } finally {
      leave();
      for (const key of keys) if (this.queues.get(key) === turn) this.queues.delete(key);
    }
  }

  /** Planning an event that names its customer by an identifier: with the ledger's customer-id secret, asked for once. */
  private async planOptionsFor(source: () => Promise<Uint8Array>): Promise<PlanOptions> {
    this.customerIdKey ??= source().catch((error: unknown) => {
      this.customerIdKey = undefined;
      throw error;
    });
    return { customerIdKey: await this.customerIdKey };
  }

  private async wait(ahead: Promise<void>[]): Promise<void> {
    this.waiting++;
    try {
      await Promise.all(ahead);
    } finally {
      if (--this.waiting === 0) {
        this.noneWaiting?.resolve();
        this.noneWaiting = undefined;
      }
    }
  }

  /** Resolves once no event is queued behind an identity change (every accepted event has reached the store). */
  whenNoneWaiting(): Promise<void> {
    if (this.waiting === 0) return Promise.resolve();
    if (!this.noneWaiting) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.noneWaiting = { promise, resolve };
    }
    return this.noneWaiting.promise;
  }

  /**
   * A retried event may resolve to another stream than the one it was stored in (its customer was
   * merged since): the store then reports the id as used in that other stream. If the content is
   * the same there, it is a retry and is acknowledged with its original position.
   */
  private async appendOrAcknowledge(streamId: string, events: AnyVersionEventInput[], expectedRevision: 'any' | 'no_stream'): Promise<AppendResult> {
    try {
      return await this.options.store.append(streamId, events, { expectedRevision });
    } catch (error) {
      const stored = error instanceof EventIdConflictError ? error.stored : undefined;
      if (events.length !== 1 || !stored || stored.streamId === streamId) throw error;
      return this.options.store.append(stored.streamId, events);
    }
  }

  /** Folds what an identity-changing append stored, so that later plans see it. */
  private applyStored(result: AppendResult, events: readonly AnyVersionEventInput[]): void {
    result.events.forEach((stored, i) => {
      const event = events[i]!;
      this.resolver.apply({ type: event.type, streamId: result.streamId, globalPosition: stored.globalPosition, occurredAt: event.occurredAt, recordedAt: stored.recordedAt, data: event.data });
    });
  }
}
