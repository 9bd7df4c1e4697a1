import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { MergeMap } from '@roc-ledger/identity';
import { NO_PERSONAL_DATA, followLog, type EventStore, type Follower, type LogHead } from '@roc-ledger/ledger';
import { byCustomer, projectionKey, type ProjectionDefinition, type Query, type QueryContext } from './definition.ts';
import { ProjectionNotRemovableError, ShardingUnsupportedError, UnknownProjectionError, UnknownQueryError } from './errors.ts';
import { stateForQueries } from './personalReferences.ts';
import { replayAll, replayCustomer, type Cut } from './replay.ts';
import { foldsShardsOnThreads, isSharded, keepsShardCheckpoints, type ProjectionRow, type ReadModelStore, type ShardRow } from './readModel/types.ts';
import { mergeRecordOf, ProjectionRunner, type RunnerOptions } from './runner.ts';
import { ShardCoordinator } from './sharding/coordinator.ts';
import type { Lease, ShardFence, ShardFencedError } from './sharding/shards.ts';
import { ProjectionWorker } from './worker.ts';
import { BACKFILL_THREADS_MAX, backfillOnThreads, type BackfillRun, type ThreadPlan } from './backfill/threads.ts';
import { BACKFILL_OWNER } from './backfill/shardSelection.ts';
import type { BackfillThreads } from './backfill/protocol.ts';

export interface RuntimeOptions extends Omit<RunnerOptions, 'onCaughtUp'> {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly definitions: readonly ProjectionDefinition<any>[];
  readonly now?: () => Date;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * Who folds the projections. 'all' (default): this process folds every one. 'none': it only
   * answers queries from states other processes keep (an API instance). `{ shards }`: it folds the
   * shards it holds leases on, sharing them with the other projector instances (PostgreSQL).
   */
  readonly folds?: 'all' | 'none' | ShardingOptions;
  /**
   * Projections far behind the head at start are backfilled on worker threads, in parallel
   * (folds 'all' only); without this they backfill in this runtime's own runner.
   */
  readonly backfill?: BackfillThreads;
}

export interface ShardingOptions {
  /** Shards every projection's partitions are split into; the same on every instance. */
  readonly shards: number;
  /** This instance's unique name, e.g. host:pid. */
  readonly owner: string;
  /** Lease time (default 15 s): how long a dead instance's shards wait before another takes them. */
  readonly leaseTtlMs?: number;
}

export interface ProjectionStatusReport extends ProjectionRow {
  /** Events stored after the checkpoint. */
  readonly lagEvents: number;
  /** Transaction time between the checkpoint and the newest stored event, ms (0 when caught up). */
  readonly lagMs: number;
  readonly running: boolean;
  /** With sharded projectors: each shard's checkpoint, status and the instance holding it. */
  readonly shards?: ShardRow[];
  /** Where this process has the definition (it can answer queries): what it says of itself. */
  readonly definition?: {
    readonly description?: string;
    /** 'custom': a partition function of the projection's own. */
    readonly partitionBy: 'customer' | 'global' | 'custom';
    /** The names of its queries (besides `state`, which every projection answers). */
    readonly queries: string[];
  };
}

const selfDescription = (definition: ProjectionDefinition<any> | undefined): Pick<ProjectionStatusReport, 'definition'> => {
  if (!definition) return {};
  const by = definition.partitionBy ?? 'customer';
  return {
    definition: {
      ...(definition.description ? { description: definition.description } : {}),
      partitionBy: typeof by === 'function' ? 'custom' : by,
      queries: Object.keys(definition.queries ?? {}),
    },
  };
};

export interface QueryAnswer {
  /** name@version that answered. */
  readonly projection: string;
  readonly partition: string;
  /** The valid time the answer is for. */
  readonly at: string;
  /** stored: the kept state (proven identical to a replay of the cut); replayed: folded from the log for this cut. */
  readonly source: 'stored' | 'replayed';
  /** The projection's checkpoint when it answered. */
  readonly position: number;
  readonly result: unknown;
}

/**
 * Keeps registered projections current: each version backfills from its checkpoint, then follows
 * the log. Blue/green: the newest registered version of a name takes over once it has caught up;
 * until then the version that was answering keeps answering, and after it the older versions
 * are stopped and their states dropped.
 */
export class ProjectionRuntime {
  private readonly options: RuntimeOptions;
  private readonly definitions = new Map<string, ProjectionDefinition<any>>();
  private readonly runners: ProjectionRunner[] = [];
  private coordinator: ShardCoordinator | undefined;
  /** Merges followed for queries when this process does not fold every projection itself. */
  private merges: { map: MergeMap; follower: Follower } | undefined;
  private stopped = false;
  /** The backfills on threads (at start, and for each projection added far behind); then the runtime's own runners take their projections over. */
  private readonly backfills: (BackfillRun & { handedOver: Promise<void> })[] = [];

  constructor(options: RuntimeOptions) {
    this.options = options;
    for (const definition of options.definitions) this.definitions.set(projectionKey(definition), definition);
  }

  /**
   * On read models several processes share (PostgreSQL), folding everything is folding the one
   * shard of a single-shard layout under its lease: a second such process stands by instead of
   * folding the same events again, and projector instances with another shard count are refused
   * while it holds the lease (and it while they hold theirs).
   */
  private resolvedFolds: 'all' | 'none' | ShardingOptions | undefined;

  private get folds(): 'all' | 'none' | ShardingOptions {
    if (this.resolvedFolds === undefined) {
      const folds = this.options.folds ?? 'all';
      this.resolvedFolds = folds === 'all' && isSharded(this.options.readModels) ? { shards: 1, owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}` } : folds;
    }
    return this.resolvedFolds;
  }

  async start(): Promise<void> {
    // Versions at the same checkpoint share one reader of the log.
    const groups = new Map<number, ProjectionDefinition<any>[]>();
    for (const definition of this.definitions.values()) {
      const row = await this.options.readModels.register(projectionKey(definition), definition.name, definition.version);
      groups.set(row.position, [...(groups.get(row.position) ?? []), definition]);
    }
    const folds = this.folds;
    if (folds === 'all') {
      const head = await this.options.store.head();
      const onThreads: Backfilled[] = [];
      for (const [position, definitions] of groups) {
        const here: Backfilled[] = [];
        for (const definition of definitions) {
          const projection = { definition, apart: await this.shardsApart(definition) };
          (this.backfillsOnThreads(projection, position, head) ? onThreads : here).push(projection);
        }
        await this.startRunners(here);
      }
      if (onThreads.length > 0) await this.backfillOnThreads(onThreads, head);
      return;
    }
    await this.followMerges();
    if (folds === 'none') return;
    const readModels = this.options.readModels;
    if (!isSharded(readModels)) throw new ShardingUnsupportedError('this read-model store');
    this.coordinator = new ShardCoordinator({
      leases: readModels.leases,
      owner: folds.owner,
      count: folds.shards,
      ...(folds.leaseTtlMs ? { ttlMs: folds.leaseTtlMs } : {}),
      assign: (leases) => this.assignShards(leases),
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    await this.coordinator.start();
  }

  /** Whether a projection standing at this position folds to the head on backfill threads rather than on a runner here. */
  private backfillsOnThreads(projection: Backfilled, position: number, head: LogHead): boolean {
    const backfill = this.options.backfill;
    if (!backfill) return false;
    // A backfill cut short (a stop, a crash) left shards standing apart: they fold on from their own checkpoints.
    return head.position - position >= (backfill.minEvents ?? 100_000) || projection.apart !== undefined;
  }

  /**
   * Folds these projections up to the head on threads, then hands them to runners here, which
   * fold what arrived meanwhile from the checkpoints the threads committed. The per-customer
   * projections fold together, each thread for its shard of the customers; the others on a
   * thread each.
   */
  private async backfillOnThreads(projections: Backfilled[], head: LogHead): Promise<void> {
    // Queries meanwhile resolve customers through the merges recorded so far.
    if (!this.merges) await this.followMerges();
    const cores = Math.max(1, this.options.backfill!.threads ?? Math.min(BACKFILL_THREADS_MAX, availableParallelism()));
    const threads = foldsShardsOnThreads(this.options.readModels) ? cores : 1;
    const byCount = new Map<number, ProjectionDefinition<any>[]>();
    const others: ProjectionDefinition<any>[] = [];
    for (const { definition, apart } of projections) {
      if (!byCustomer(definition)) others.push(definition);
      else byCount.set(apart ?? threads, [...(byCount.get(apart ?? threads) ?? []), definition]);
    }
    // The per-customer projections' shards first, then the others' threads as cores come free.
    const plan: ThreadPlan[] = [];
    for (const [count, definitions] of byCount) {
      const keys = definitions.map(projectionKey);
      if (count === 1) plan.push({ keys });
      else for (let index = 0; index < count; index++) plan.push({ keys, shard: { index, count } });
    }
    for (const definition of others) plan.push({ keys: [projectionKey(definition)] });
    // The projections folded by the same threads, handed over together once those threads are done.
    const groups = [...byCount.values(), ...others.map((definition) => [definition])];
    const run = backfillOnThreads({
      ...this.options.backfill!,
      plan,
      concurrency: cores,
      until: { position: head.position, recordedAt: head.recordedAt },
      ...(this.options.commitEvery ? { commitEvery: this.options.commitEvery } : {}),
      ...(this.options.commitEveryMs ? { commitEveryMs: this.options.commitEveryMs } : {}),
      ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
      ...(this.options.log ? { log: this.options.log } : {}),
    });
    this.options.log?.('projections backfilling on threads', { projections: projections.map((p) => projectionKey(p.definition)), threads: plan.length, head: head.position });
    // Each group as soon as its threads are done: one queued behind others does not hold up those done before.
    const handedOver = Promise.all(
      groups.map(async (group) => {
        await Promise.all(group.map((definition) => run.finished(projectionKey(definition))));
        if (this.stopped) return;
        // Shards the threads left apart (one failed, or its thread died) fold on here, each from its own checkpoint.
        const handed: Backfilled[] = [];
        for (const definition of group) if (this.definitions.has(projectionKey(definition))) handed.push({ definition, apart: await this.shardsApart(definition) });
        await this.startRunners(handed);
      }),
    )
      .then(() => undefined)
      .catch((error) => this.options.log?.('handing the backfilled projections over failed', { error: String(error) }));
    this.backfills.push({ ...run, handedOver });
  }

  /** Runners here: one for each projection whose shards stand apart, folding them as laid out; one for all the others. */
  private async startRunners(projections: readonly Backfilled[]): Promise<void> {
    for (const { definition, apart } of projections) if (apart) await this.startRunner([definition], localShards(apart));
    const unsharded = projections.filter((p) => !p.apart).map((p) => p.definition);
    if (unsharded.length > 0) await this.startRunner(unsharded);
  }

  /**
   * The shard count of a projection whose shards (laid out by backfill threads) stand at different
   * positions; undefined when it has none, or had and they stood at one position, so that it now
   * folds unsharded from there.
   */
  private async shardsApart(definition: ProjectionDefinition<any>): Promise<number | undefined> {
    const readModels = this.options.readModels;
    if (!foldsShardsOnThreads(readModels)) return undefined;
    const key = projectionKey(definition);
    if (await readModels.unshard(key)) return undefined;
    return (await readModels.shardRows(key))[0]?.count;
  }

  /**
   * Resolves once every backfill on threads begun so far (by start(), or add() far behind the head)
   * has handed its projections over to this process's runners; at once when none was begun.
   */
  async backfilled(): Promise<void> {
    await Promise.all(this.backfills.map((b) => b.handedOver));
  }

  /**
   * Resolves once the memory of every backfill thread begun so far is back with the system, some
   * seconds after the threads end (THREAD_MEMORY_RETURNED_MS); at once when none was begun. Work
   * that allocates as much as a thread did waits for it, so that the two do not add up.
   */
  async backfillMemoryReturned(): Promise<void> {
    await Promise.all(this.backfills.map((b) => b.memoryReturned));
  }

  /** The shards this instance folds now (sharded projectors only). */
  get heldShards(): number[] {
    return this.coordinator?.shards ?? [];
  }

  /**
   * Registers a projection while running (an analyst's module), then follows the log. Far behind the
   * head it backfills on threads first, as at start: the backfill module's context must define it
   * too (serve's loads the modules registered in the read models), or a thread stops and the
   * runtime folds it here from its checkpoint.
   */
  async add(definition: ProjectionDefinition<any>): Promise<void> {
    const key = projectionKey(definition);
    if (this.definitions.has(key)) return;
    this.definitions.set(key, definition);
    const row = await this.options.readModels.register(key, definition.name, definition.version);
    const folds = this.folds;
    if (folds === 'all') {
      const head = await this.options.store.head();
      const projection = { definition, apart: await this.shardsApart(definition) };
      if (this.backfillsOnThreads(projection, row.position, head)) await this.backfillOnThreads([projection], head);
      else await this.startRunners([projection]);
    } else if (folds !== 'none') await this.assignShards(this.shardLeases);
  }

  /**
   * Stops folding every version of a projection and removes their states and rows, those of
   * versions stored but not loaded here included (an analyst's module unregistered: the caller
   * removes its registration). Refused while a version backfills on threads, whose commits the
   * removal would race. The versions it stopped.
   */
  async remove(name: string): Promise<string[]> {
    const keys = [...this.definitions.values()].filter((d) => d.name === name).map(projectionKey);
    // Versions stored but not loaded here; a version loaded here is among `keys` even if its first commit comes later.
    const stored = (await this.options.readModels.rows()).filter((row) => row.name === name).map((row) => row.key);
    if (keys.length === 0 && stored.length === 0) throw new UnknownProjectionError(name, this.names());
    if (this.backfills.some((backfill) => keys.some((key) => backfill.keys.has(key)))) {
      throw new ProjectionNotRemovableError(name, 'it is backfilling on threads; remove it once the backfill has ended (project status)');
    }
    for (const key of keys) this.definitions.delete(key);
    for (const runner of this.runners) for (const key of keys) runner.retire(key);
    // A commit or a fold under way may still store states of them: the drop comes after it.
    await Promise.all(this.runners.map((runner) => runner.idle()));
    for (const key of new Set([...keys, ...stored])) await this.options.readModels.drop(key);
    this.options.log?.('projection removed', { name, versions: keys });
    return keys;
  }

  /** The names of the projections registered here. */
  names(): string[] {
    return [...new Set([...this.definitions.values()].map((d) => d.name))];
  }

  /**
   * Resolves once every running projection has committed up to this position. When other
   * processes fold (some or all of) the projections, their stored checkpoints are watched.
   */
  async waitFor(position: number, signal?: AbortSignal): Promise<void> {
    if (this.folds === 'all') {
      await this.backfilled();
      await Promise.all(this.runners.map((runner) => runner.waitFor(position)));
      return;
    }
    const keys = new Set(this.definitions.keys());
    while (!this.stopped && !signal?.aborted) {
      const rows = (await this.options.readModels.rows()).filter((row) => keys.has(row.key));
      if (rows.every((row) => row.position >= position || row.status === 'failed')) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Whether every projection has committed up to the position within the time (waitFor, bounded). */
  async reached(position: number, timeoutMs: number): Promise<boolean> {
    const giveUp = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.waitFor(position, giveUp.signal).then(() => !giveUp.signal.aborted), timeout]);
    } finally {
      clearTimeout(timer);
      giveUp.abort(); // stops watching the stored checkpoints
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.backfills.map((b) => b.stop()));
    await this.backfilled();
    await this.coordinator?.stop();
    await Promise.all(this.runners.map((runner) => runner.stop()));
    await this.merges?.follower.close();
  }

  /** Keeps a merge map for queries, from the log's CustomersMerged events. */
  private async followMerges(): Promise<void> {
    const map = new MergeMap();
    const follower = followLog({
      after: 0,
      subscribe: (after) => this.options.store.subscribe({ after, types: ['CustomersMerged'], openPersonalData: NO_PERSONAL_DATA }),
      handle: (event) => void map.apply(mergeRecordOf(event)),
      onRetry: (error) => this.options.log?.('following merges failed; retrying', { error: String(error) }),
    });
    this.merges = { map, follower };
  }

  /** The leases the shard runner folds under now. */
  private shardLeases: Lease[] = [];

  /**
   * Folds exactly these shards: the runner folding the previous set commits and stops, and one
   * runner (one reader of the log) starts for all of them. Shards change hands rarely, so a
   * restart, which reloads the states it touches, costs little and keeps one reader per instance.
   */
  private async assignShards(leases: readonly Lease[]): Promise<void> {
    const folds = this.folds as ShardingOptions;
    const previous = this.runners.filter((runner) => runner.workers.some((w) => w.shard));
    for (const runner of previous) this.runners.splice(this.runners.indexOf(runner), 1);
    await Promise.all(previous.map((runner) => runner.stop()));
    this.shardLeases = [...leases];
    if (leases.length === 0) return;
    await this.startRunner(
      [...this.definitions.values()],
      leases.map((lease) => ({ index: lease.index, count: folds.shards, owner: folds.owner, epoch: lease.epoch })),
    );
  }

  async status(): Promise<ProjectionStatusReport[]> {
    const head = await this.options.store.head();
    const headMs = head.recordedAt ? Date.parse(head.recordedAt) : 0;
    const running = new Set([...this.runners.flatMap((r) => r.workers.filter((w) => !w.failure && !w.retired).map((w) => w.key)), ...this.backfills.flatMap((b) => [...b.keys])]);
    const readModels = this.options.readModels;
    const reports: ProjectionStatusReport[] = [];
    for (const row of await readModels.rows()) {
      const shards = keepsShardCheckpoints(readModels) ? await readModels.shardRows(row.key) : [];
      reports.push({
        ...row,
        lagEvents: Math.max(0, head.position - row.position),
        lagMs: row.position >= head.position || !row.recordedAt ? 0 : Math.max(0, headMs - Date.parse(row.recordedAt)),
        running: running.has(row.key) || shards.some((s) => s.owner !== null && s.status !== 'failed'),
        ...(shards.length > 0 ? { shards } : {}),
        ...selfDescription(this.definitions.get(row.key)),
      });
    }
    return reports;
  }

  /** The definition that answers for a name: the active version if registered, else the newest registered one. */
  async answering(name: string): Promise<{ definition: ProjectionDefinition<any>; row: ProjectionRow }> {
    const rows = (await this.options.readModels.rows()).filter((row) => row.name === name && this.definitions.has(row.key));
    const row = rows.find((r) => r.active) ?? rows.sort((a, b) => b.version - a.version)[0];
    if (!row) throw new UnknownProjectionError(name, this.names());
    return { definition: this.definitions.get(row.key)!, row };
  }

  /** A page of the partition keys stored for the version answering for a name, in partition order. */
  async partitionKeys(name: string, page: { after?: string; limit: number }): Promise<{ key: string; partitions: string[] }> {
    const { row } = await this.answering(name);
    return { key: row.key, partitions: await this.options.readModels.partitionKeys(row.key, page) };
  }

  /** Every stored partition of the version answering for a name, in partition order, with its state. */
  async *partitions(name: string): AsyncIterable<{ partition: string; state: unknown }> {
    const { definition, row } = await this.answering(name);
    for await (const record of this.options.readModels.partitions(row.key)) yield { partition: record.partition, state: await stateForQueries(this.options.store, definition, JSON.parse(record.state)) };
  }

  /**
   * A projection's query for one partition (a customer id for per-customer projections), as of
   * a valid time and as known at a transaction time. The stored state answers when it is proven
   * identical to replaying the cut; otherwise the cut is replayed from the log.
   */
  async query(name: string, partition: string, options: Cut & { query?: string } = {}): Promise<QueryAnswer | undefined> {
    const { definition, row } = await this.answering(name);
    const queryName = options.query ?? 'state';
    const queries: Record<string, Query<any>> = { state: (state: unknown) => state, ...definition.queries };
    const query = queries[queryName];
    if (!query) throw new UnknownQueryError(row.key, queryName, Object.keys(queries));
    const cut: Cut = { ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.knownAt ? { knownAt: options.knownAt } : {}) };
    const perCustomer = byCustomer(definition);
    const merges = this.runnerOf(row.key)?.mergeMap ?? this.merges?.map;
    const key = perCustomer && merges ? merges.canonical(partition) : partition;

    let state: unknown;
    let source: QueryAnswer['source'] = 'stored';
    const stored = await this.options.readModels.load(row.key, key);
    if (stored && (await this.storedAnswersFor(row, stored, cut))) {
      state = JSON.parse(stored.state);
    } else if (perCustomer && merges) {
      const replayed = await replayCustomer(this.options.store, definition, merges, partition, cut);
      if (!replayed) return undefined;
      state = replayed.state;
      source = 'replayed';
    } else {
      const { readModels } = await replayAll(this.options.store, definition, cut);
      const found = await readModels.load(projectionKey(definition), partition);
      await readModels.close();
      if (!found) return undefined;
      state = JSON.parse(found.state);
      source = 'replayed';
    }
    const at = options.asOf ?? (this.options.now ?? (() => new Date()))();
    const context: QueryContext = { at, partition: key };
    return { projection: row.key, partition: key, at: at.toISOString(), source, position: row.position, result: query((await stateForQueries(this.options.store, definition, state)) as never, context) };
  }

  /**
   * A shard's commit was refused. Its lease taken by another instance: it goes to that instance.
   * The version dropped meanwhile (removed through another instance, or replaced by a newer one):
   * only that version stops here (the runner retired it), and the shard's lease stays.
   */
  private async fenced(error: ShardFencedError): Promise<void> {
    const dropped = await this.options.readModels.row(error.key).then((row) => row === undefined, () => false);
    if (!dropped) this.coordinator?.lost(error.shard.index);
  }

  private runnerOf(key: string): ProjectionRunner | undefined {
    return this.runners.find((runner) => runner.workers.some((w) => w.key === key));
  }

  /**
   * The stored state equals a replay of the cut when every event folded into it is inside the
   * cut and no event after the checkpoint is: recordedAt never decreases along the log, so one
   * look at the event after the checkpoint settles the second part.
   */
  private async storedAnswersFor(row: ProjectionRow, stored: { maxOccurredMs: number; maxRecordedMs: number }, cut: Cut): Promise<boolean> {
    if (!cut.asOf && !cut.knownAt) return true;
    if (cut.asOf && stored.maxOccurredMs > cut.asOf.getTime()) return false;
    if (cut.knownAt && stored.maxRecordedMs > cut.knownAt.getTime()) return false;
    for await (const next of this.options.store.readAll({ fromPosition: row.position + 1, maxCount: 1, openPersonalData: NO_PERSONAL_DATA })) {
      return cut.knownAt !== undefined && Date.parse(next.recordedAt) > cut.knownAt.getTime();
    }
    return true;
  }

  private async startRunner(definitions: ProjectionDefinition<any>[], shards?: readonly ShardFence[]): Promise<void> {
    const workers = (shards ?? [undefined]).flatMap((shard) => definitions.map((definition) => new ProjectionWorker(definition, this.options.store, this.options.readModels, shard ? { shard } : {})));
    const runner = new ProjectionRunner(this.options.store, this.options.readModels, workers, {
      ...this.options,
      onCaughtUp: (key) => void this.promote(key).catch((error) => this.options.log?.('promotion failed', { key, error: String(error) })),
      onFailure: (key, error) => {
        this.options.log?.(error.message, error.toJSON());
        this.options.onFailure?.(key, error);
      },
      onFenced: (error) => void this.fenced(error),
    });
    this.runners.push(runner);
    await runner.start();
  }

  /** Blue/green: a caught-up version takes over its name if it is the newest registered one. */
  private async promote(key: string): Promise<void> {
    const definition = this.definitions.get(key)!;
    const newest = Math.max(...[...this.definitions.values()].filter((d) => d.name === definition.name).map((d) => d.version));
    if (definition.version !== newest) return;
    const rows = await this.options.readModels.rows();
    const row = rows.find((r) => r.key === key);
    // Sharded, the version takes over once every shard, on whichever instance, has caught up.
    if (!row || row.active || row.status !== 'live') return;
    await this.options.readModels.activate(key);
    this.options.log?.('projection version now answers', { key });
    for (const row of rows) {
      if (row.name !== definition.name || row.key === key) continue;
      for (const runner of this.runners) runner.retire(row.key);
      this.definitions.delete(row.key);
      await this.options.readModels.drop(row.key);
    }
  }
}

/** A projection at start or after its backfill, with the shard count of its shards if they stand apart. */
interface Backfilled {
  readonly definition: ProjectionDefinition<any>;
  readonly apart: number | undefined;
}

/** Every shard of a projection whose shards backfill threads laid out, as this process folds them (no leases). */
const localShards = (count: number): ShardFence[] => Array.from({ length: count }, (_, index) => ({ index, count, owner: BACKFILL_OWNER, epoch: 0 }));
