import type { MergeMap } from '@roc-ledger/identity';
import { customerStreamId, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { byCustomer, projectionKey, type Handler, type ProjectionDefinition } from './definition.ts';
import { HandlerFailedError, ShardingUnsupportedError } from './errors.ts';
import { consentDecisions, consentHeld, isConsentDecision, type ConsentDecision } from './consent.ts';
import { applyEvent, customerIdOf, foldAll, handlerFor, initialWorking, latestTimes, noteTimes, partitionOf, startWorking, type Working } from './fold.ts';
import { keepsShardCheckpoints, type PartitionRecord, type ReadModelStore } from './readModel/types.ts';
import { ownedBy, type ShardFence } from './sharding/shards.ts';
import { stateJson } from './stateJson.ts';

interface Committed<S> {
  readonly state: S;
  readonly maxOccurredMs: number;
  readonly maxRecordedMs: number;
}

/** A merge being applied: the survivor and the id it absorbs, as canonical ids before the merge. */
export interface MergeStep {
  readonly survivor: string;
  readonly absorbed: string;
  /** Every member of the survivor after the merge. */
  readonly members: readonly string[];
}

export interface WorkerOptions {
  /**
   * Committed states kept in memory for the next events. While catching up the cache may grow to
   * `maxCachedPartitions` (default 200,000) before it is emptied; once live, to `maxLivePartitions`
   * (default 10,000): a backfill touches every customer, live traffic a few, and a smaller heap
   * keeps garbage-collection pauses, and so live lag, short. States not cached are read back from
   * the read-model store when next needed.
   */
  readonly maxCachedPartitions?: number;
  readonly maxLivePartitions?: number;
  /** Only events it accepts are folded (a cut by valid or transaction time); the others are passed over. */
  readonly keep?: (event: RecordedEvent) => boolean;
  /** Fold only this shard's partitions, and commit its checkpoint under the lease's fence. */
  readonly shard?: ShardFence;
}

/**
 * One projection version inside a runner: folds events into the states of their partitions and
 * commits states with the checkpoint in one transaction. The worker owns its states: handlers
 * change them in place, a commit writes the changed ones' JSON and keeps them as a cache, and the
 * next events change the cached copy again (so a failure drops the cached copies it changed).
 */
export class ProjectionWorker<S = unknown> {
  readonly key: string;
  /** Last position folded in memory. */
  position = 0;
  /** Last position committed: what the stored states reflect. */
  committedPosition = 0;
  private committedRecordedAt: string | null = null;
  private lastRecordedAt: string | null = null;
  failure: HandlerFailedError | undefined;
  /** Replaced by a newer version: folds nothing more. */
  retired = false;
  private readonly cache = new Map<string, Committed<S>>();
  private readonly pending = new Map<string, Working<S>>();
  private readonly deletes = new Set<string>();
  private storeEmpty = false;
  /** With a purpose: each canonical customer's consent decisions, as far as folded. */
  private readonly consent = new Map<string, ConsentDecision[]>();
  /** With a purpose: the latest valid time among each customer's events folded or passed over since start. */
  private readonly latestSeen = new Map<string, number>();
  /** Where this worker started: from 0 it has seen every decision itself and need not look any up. */
  private startedAt = 0;
  /** An erasure was folded: the next commit makes the store drop every old copy of the states it replaced. */
  private erasedSinceCommit = false;

  readonly definition: ProjectionDefinition<S>;
  private readonly store: EventStore;
  private readonly readModels: ReadModelStore;
  private readonly options: WorkerOptions;
  /** Whether a partition is this worker's to fold: all of them unless it folds one shard. */
  private readonly owns: (partition: string) => boolean;

  constructor(definition: ProjectionDefinition<S>, store: EventStore, readModels: ReadModelStore, options: WorkerOptions = {}) {
    this.definition = definition;
    this.store = store;
    this.readModels = readModels;
    this.options = options;
    this.key = projectionKey(definition);
    this.owns = options.shard ? ownedBy(options.shard) : () => true;
  }

  get shard(): ShardFence | undefined {
    return this.options.shard;
  }

  get consumesMerges(): boolean {
    return byCustomer(this.definition);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  async open(): Promise<void> {
    const row = await this.checkpoint();
    this.position = this.committedPosition = row.position;
    this.committedRecordedAt = this.lastRecordedAt = row.recordedAt;
    this.storeEmpty = await this.readModels.isEmpty(this.key);
    this.failure = undefined;
    this.startedAt = row.position;
  }

  private async checkpoint(): Promise<{ position: number; recordedAt: string | null }> {
    const shard = this.options.shard;
    if (!shard) return this.readModels.register(this.key, this.definition.name, this.definition.version);
    if (!keepsShardCheckpoints(this.readModels)) throw new ShardingUnsupportedError('this read-model store');
    return this.readModels.registerShard(this.key, this.definition.name, this.definition.version, shard);
  }

  /**
   * Folds one event; `merge` when it is a CustomersMerged that joins two customers. Throws
   * HandlerFailedError. Synchronous (no promise) when nothing must be read first, as for nearly
   * every event of a backfill: a promise per event per projection was a tenth of a rebuild's time.
   */
  apply(event: RecordedEvent, merges: MergeMap, merge?: MergeStep): void | Promise<void> {
    if (event.globalPosition <= this.position) return;
    const folding = this.foldOne(event, merges, merge);
    if (folding) return folding.then(() => this.passed(event));
    this.passed(event);
  }

  private passed(event: RecordedEvent): void {
    this.position = event.globalPosition;
    this.lastRecordedAt = event.recordedAt;
  }

  private foldOne(event: RecordedEvent, merges: MergeMap, merge?: MergeStep): void | Promise<void> {
    const purpose = this.definition.purpose;
    // Outside the cut: passed over, like an event of a type the projection does not read.
    if (this.options.keep && !this.options.keep(event)) return;
    if (merge && this.consumesMerges) {
      // Shards fold their own partitions only: the survivor's refolds, the absorbed's drops its state.
      if (this.owns(merge.survivor)) return this.refold(merge, event);
      if (this.owns(merge.absorbed)) this.dropPartition(merge.absorbed);
      return;
    }
    if (event.type === 'CustomerErased' && this.consumesMerges) return this.erased(event, merges);
    if (purpose !== undefined && isConsentDecision(event, purpose)) return this.consentDecided(event, merges);
    const handler = handlerFor(this.definition, event.type);
    if (!handler) return;
    const partition = partitionOf(this.definition as ProjectionDefinition<unknown>, event, merges);
    if (partition === undefined || !this.owns(partition)) return;
    if (purpose !== undefined) return this.consentHeld(event, merges).then((held) => (held ? this.applyTo(partition, event, handler) : undefined));
    return this.applyTo(partition, event, handler);
  }

  /** Applies the event to its partition's working state, reading the state from the store first only when it must. */
  private applyTo(partition: string, event: RecordedEvent, handler?: Handler<S>): void | Promise<void> {
    const working = this.workingAtHand(partition);
    if (!working) return this.working(partition).then((loaded) => applyEvent(this.definition, this.key, loaded, event, handler));
    applyEvent(this.definition, this.key, working, event, handler);
  }

  /**
   * An erasure: the customer's partition is folded again from the log, which now reads their
   * personal fields as erased, so no state keeps a copy whatever the handlers did with them.
   */
  private async erased(event: RecordedEvent, merges: MergeMap): Promise<void> {
    const customerId = customerIdOf(event);
    if (customerId === undefined) return;
    const canonical = merges.canonical(customerId);
    if (!this.owns(canonical)) return;
    const exists = this.pending.has(canonical) || this.cache.has(canonical) || (!this.storeEmpty && (await this.readModels.load(this.key, canonical)) !== undefined);
    if (exists || handlerFor(this.definition, event.type)) await this.refold({ survivor: canonical, absorbed: canonical, members: merges.members(canonical) }, event);
    this.erasedSinceCommit = true;
  }

  /** Whether the event's customer had consented to the projection's purpose when the event happened. */
  private async consentHeld(event: RecordedEvent, merges: MergeMap): Promise<boolean> {
    const customerId = customerIdOf(event);
    if (customerId === undefined) return true; // not a customer's event
    const canonical = merges.canonical(customerId);
    const at = Date.parse(event.occurredAt);
    this.latestSeen.set(canonical, Math.max(this.latestSeen.get(canonical) ?? -Infinity, at));
    let decisions = this.consent.get(canonical);
    if (!decisions && this.startedAt === 0) this.consent.set(canonical, (decisions = []));
    if (!decisions) {
      // First sight of this customer since a restart: their decisions recorded before this event.
      const streams = await Promise.all(merges.members(canonical).map((id) => this.store.readStream(customerStreamId(id))));
      decisions = consentDecisions(streams.flatMap((s) => s.events).filter((e) => e.globalPosition < event.globalPosition), this.definition.purpose!);
      this.consent.set(canonical, decisions);
    }
    return consentHeld(decisions, at);
  }

  /**
   * A consent decision for the purpose: per customer, the partition is folded again with the
   * decision in place, so a decision that arrives late changes what the projection saw of that
   * customer's past. Other partitionings apply it to the customer's events folded from now on.
   */
  private async consentDecided(event: RecordedEvent, merges: MergeMap): Promise<void> {
    const customerId = customerIdOf(event);
    if (customerId === undefined) return;
    const canonical = merges.canonical(customerId);
    if (this.consumesMerges && !this.owns(canonical)) return;
    const at = Date.parse(event.occurredAt);
    const seen = this.latestSeen.get(canonical);
    const known = this.consent.get(canonical) ?? (this.startedAt === 0 ? [] : undefined);
    if (this.consumesMerges && known !== undefined && (seen === undefined || at > seen) && !handlerFor(this.definition, event.type)) {
      // Nothing of this customer happened after the decision yet: no past event changes sides.
      known.push({ at, position: event.globalPosition, granted: event.type === 'ConsentGranted' });
      known.sort((a, b) => a.at - b.at || a.position - b.position);
      this.consent.set(canonical, known);
      this.latestSeen.set(canonical, at);
    } else if (this.consumesMerges) {
      this.latestSeen.set(canonical, Math.max(seen ?? -Infinity, at));
      await this.refold({ survivor: canonical, absorbed: canonical, members: merges.members(canonical) }, event);
    } else {
      const decisions = this.consent.get(canonical) ?? (await this.consentHeld(event, merges), this.consent.get(canonical)!);
      decisions.push({ at: Date.parse(event.occurredAt), position: event.globalPosition, granted: event.type === 'ConsentGranted' });
      decisions.sort((a, b) => a.at - b.at || a.position - b.position);
      if (handlerFor(this.definition, event.type)) {
        const partition = partitionOf(this.definition as ProjectionDefinition<unknown>, event, merges);
        if (partition !== undefined && this.owns(partition) && consentHeld(decisions, Date.parse(event.occurredAt))) await this.applyTo(partition, event);
      }
    }
  }

  /** Nothing more to fold up to this position (the log was read to it). */
  advanceTo(position: number, recordedAt: string | null): void {
    if (position > this.position) {
      this.position = position;
      if (recordedAt) this.lastRecordedAt = recordedAt;
    }
  }

  /** Commits the changed states with the checkpoint, atomically. */
  async commit(status?: 'live' | 'building'): Promise<void> {
    if (this.position === this.committedPosition && this.pending.size === 0 && this.deletes.size === 0 && !status) return;
    const finished: [string, Committed<S>][] = [];
    const key = this.key;
    const position = this.position;
    // Serialised one by one as the store reads them: as it writes them, or ahead while it waits for
    // another connection's write lock (SQLite read models), never all before the commit begins.
    function* upserts(pending: Map<string, Working<S>>): Generator<PartitionRecord> {
      for (const [partition, working] of pending) {
        const state = working.value;
        let json: string;
        try {
          json = stateJson(state);
        } catch (cause) {
          throw new HandlerFailedError(key, { eventId: '(state)', type: '(state)', globalPosition: position }, new Error(`partition ${partition}: ${(cause as Error).message}`));
        }
        const times = latestTimes(working);
        finished.push([partition, { state, ...times }]);
        yield { partition, state: json, ...times };
      }
    }
    await this.readModels.commit(this.key, {
      upserts: upserts(this.pending),
      deletes: [...this.deletes],
      position: this.position,
      recordedAt: this.lastRecordedAt,
      ...(status ? { status } : {}),
      ...(this.options.shard ? { shard: this.options.shard } : {}),
    });
    this.pending.clear();
    this.deletes.clear();
    if (this.erasedSinceCommit) this.erasedSinceCommit = !(await this.readModels.scrub());
    this.committedPosition = this.position;
    this.committedRecordedAt = this.lastRecordedAt;
    const limit = status === 'live' ? (this.options.maxLivePartitions ?? 10_000) : (this.options.maxCachedPartitions ?? 200_000);
    if (this.cache.size + finished.length > limit) {
      this.cache.clear();
      this.storeEmpty = false;
    }
    for (const [partition, committed] of finished) this.cache.set(partition, committed);
  }

  /** Drops everything folded since the last commit (after a failure), cached copies it changed included. */
  discardPending(): void {
    for (const partition of this.pending.keys()) {
      if (this.cache.delete(partition)) this.storeEmpty = false;
    }
    this.pending.clear();
    this.deletes.clear();
    this.position = this.committedPosition;
    this.lastRecordedAt = this.committedRecordedAt;
  }

  /** The partition's working state if it needs no read: pending, cached, or new while the store holds none of this projection's. */
  private workingAtHand(partition: string): Working<S> | undefined {
    const pending = this.pending.get(partition);
    if (pending) return pending;
    // The cached state is the worker's own: folded into in place.
    const cached = this.cache.get(partition);
    if (!cached && !this.storeEmpty) return undefined;
    const working = cached ? startWorking(cached.state, cached.maxOccurredMs, cached.maxRecordedMs) : initialWorking(this.definition);
    this.pending.set(partition, working);
    return working;
  }

  private async working(partition: string): Promise<Working<S>> {
    const atHand = this.workingAtHand(partition);
    if (atHand) return atHand;
    // One parsed from the store is the worker's own too.
    const stored = await this.readModels.load(this.key, partition);
    // Another event may have made it pending while the store was read.
    const meanwhile = this.pending.get(partition);
    if (meanwhile) return meanwhile;
    const working = stored ? startWorking(JSON.parse(stored.state) as S, stored.maxOccurredMs, stored.maxRecordedMs) : initialWorking(this.definition);
    this.pending.set(partition, working);
    return working;
  }

  /**
   * A merge: the survivor's state becomes the fold of every member's events up to and including
   * the merge, in log order, exactly as if they had been one customer all along. The absorbed
   * customer's state goes. (Also a consent decision's refold, where survivor and absorbed are one.)
   */
  private async refold(merge: MergeStep, mergeEvent: RecordedEvent): Promise<void> {
    const position = mergeEvent.globalPosition;
    const streams = await Promise.all(merge.members.map((id) => this.store.readStream(customerStreamId(id))));
    const history = streams.flatMap((stream) => stream.events).filter((event) => event.globalPosition <= position && (this.options.keep?.(event) ?? true));
    const purpose = this.definition.purpose;
    const decisions = purpose === undefined ? [] : consentDecisions(history, purpose);
    if (purpose !== undefined) {
      this.consent.set(merge.survivor, decisions);
      if (merge.absorbed !== merge.survivor) this.consent.delete(merge.absorbed);
    }
    const events = history
      .filter((event) => handlerFor(this.definition, event.type) !== undefined && (purpose === undefined || consentHeld(decisions, Date.parse(event.occurredAt))))
      .sort((a, b) => a.globalPosition - b.globalPosition);
    const folded = foldAll(this.definition, this.key, events);
    // The merge event belongs to the partition's history even when no handler reads it.
    noteTimes(folded, mergeEvent);
    this.pending.set(merge.survivor, folded);
    this.deletes.delete(merge.survivor);
    if (merge.absorbed !== merge.survivor && this.owns(merge.absorbed)) this.dropPartition(merge.absorbed);
  }

  /** A partition that no longer exists (a customer absorbed by a merge): its state goes at the next commit. */
  private dropPartition(partition: string): void {
    this.pending.delete(partition);
    this.cache.delete(partition);
    this.consent.delete(partition);
    this.deletes.add(partition);
  }
}
