import { MergeMap, type MergeRecord } from '@roc-ledger/identity';
import { NO_PERSONAL_DATA, followLog, type EventStore, type Follower, type LogHead, type RecordedEvent, type StreamSelection, type Subscription } from '@roc-ledger/ledger';
import { personalDataRead, typesRead } from './definition.ts';
import { HandlerFailedError } from './errors.ts';
import { ShardFencedError } from './sharding/shards.ts';
import type { ReadModelStore } from './readModel/types.ts';
import { ProjectionWorker, type MergeStep } from './worker.ts';

export interface Progress {
  /** Last position folded by the slowest projection of the runner. */
  readonly position: number;
  readonly head: number;
  readonly eventsPerSecond: number;
  /** Seconds to reach the head at the current rate; null while the rate is unknown. */
  readonly etaSeconds: number | null;
  readonly caughtUp: boolean;
}

export interface RunnerOptions {
  /**
   * Commit after this many events have been folded since the last commit (default 1,000,000), or
   * after `commitEveryMs` (default 30,000), whichever comes first. Also commits each time the
   * runner catches up. During a backfill each commit rewrites every partition touched since the
   * last (tens of megabytes of JSON for 20,000 customers), so rare commits are what make it fast;
   * a crash replays at most this much, about 30 s of folding either way.
   */
  readonly commitEvery?: number;
  readonly commitEveryMs?: number;
  /**
   * Once caught up, the least time between two commits (default 20 ms). Appends arriving steadily
   * catch the runner up after every group commit; a transaction for each cost the service a tenth
   * of its thread under load. The states answer at most this much later.
   */
  readonly liveCommitIntervalMs?: number;
  /** Events read per page from the store. */
  readonly pageSize?: number;
  /** Only these streams' events are read, up to its position (a backfill thread folding one shard). */
  readonly streams?: StreamSelection;
  /**
   * Only events it accepts are folded (a cut by valid or transaction time, as the workers were
   * given): a merge outside it joins no customers, as in replayAll.
   */
  readonly keep?: (event: Pick<RecordedEvent, 'occurredAt' | 'recordedAt'>) => boolean;
  /**
   * Fold nothing after this position: every projection of the runner comes to stand exactly there
   * (backfill threads, each folding one shard, so that the shards meet at one checkpoint).
   */
  readonly until?: Pick<LogHead, 'position' | 'recordedAt'>;
  readonly onProgress?: (progress: Progress) => void;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /** Called for each projection that stops on a handler error; the others carry on. */
  readonly onFailure?: (key: string, error: HandlerFailedError) => void;
  /** Called once per projection the first time it has folded everything stored. */
  readonly onCaughtUp?: (key: string) => void;
  /** Called when a shard's commit is refused because another instance holds its lease now. */
  readonly onFenced?: (error: ShardFencedError) => void;
}

const MERGED = 'CustomersMerged';

/** Still folding: not stopped by a failure, not replaced by a newer version. */
const isLive = (worker: ProjectionWorker): boolean => !worker.failure && !worker.retired;

/**
 * Reads the log once for several projection versions that start from the same checkpoint:
 * catch-up from there, then live. Commits each projection's states with its checkpoint in one
 * transaction, every `commitEvery` events and whenever it has caught up.
 */
export class ProjectionRunner {
  private merges = new MergeMap();
  private follower: Follower | undefined;
  private committing: Promise<void> | undefined;
  /**
   * The event being handled while its fold waits (for a state read from the store): a live commit
   * starts only once it is done, so that it neither stores that event's change with the checkpoint
   * before it, nor clears it from the states still to commit.
   */
  private handling: Promise<void> | undefined;
  private sinceCommit = 0;
  private lastCommit = performance.now();
  private readonly waiters: { position: number; resolve: () => void }[] = [];
  private readonly announced = new Set<string>();
  private started = 0;
  private startPosition = 0;
  private head = 0;
  private lastProgress = 0;
  private stopped = false;
  private lastYield = performance.now();
  private liveCommit: NodeJS.Timeout | undefined;
  private caughtUpAt = 0;

  private readonly store: EventStore;
  private readonly readModels: ReadModelStore;
  readonly workers: ProjectionWorker[];
  private readonly options: RunnerOptions;

  constructor(store: EventStore, readModels: ReadModelStore, workers: ProjectionWorker[], options: RunnerOptions = {}) {
    this.store = store;
    this.readModels = readModels;
    this.workers = workers;
    this.options = options;
  }

  /** The customers' merges as of the runner's position: queries resolve customer ids through it. */
  get mergeMap(): MergeMap {
    return this.merges;
  }

  async start(): Promise<void> {
    for (const worker of this.workers) await worker.open();
    this.startPosition = Math.min(...this.workers.map((w) => w.position));
    const merges = await loadMerges(this.store, this.startPosition);
    const keep = this.options.keep;
    this.merges = keep ? MergeMap.of(merges.records(), keep) : merges;
    this.head = (await this.store.head()).position;
    this.started = performance.now();
    this.follower = followLog({
      after: this.startPosition,
      subscribe: (after) => this.subscribe(after),
      handle: (event) => this.tracked(this.handle(event)),
      onRetry: (error, after, attempt) => this.options.log?.('reading the log failed; retrying', { after, attempt, error: String(error) }),
    });
  }

  /** Catch-up from a position, then live, over every event type a live projection reads. */
  private subscribe(after: number): Subscription {
    const types = new Set<string>(this.workers.flatMap((worker) => typesRead(worker.definition)));
    // Decrypted only where some projection declared it reads the personal values.
    const personal = new Set<string>(this.workers.flatMap((worker) => personalDataRead(worker.definition)));
    return this.store.subscribe({
      after,
      types: [...types],
      openPersonalData: [...personal],
      ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}),
      ...(this.options.streams ? { streams: this.options.streams } : {}),
      onCaughtUp: (position) => this.commitWhenDue(position),
    });
  }

  private tracked(handling: void | Promise<void>): void | Promise<void> {
    if (!handling) return;
    const settled: Promise<void> = handling.finally(() => {
      if (this.handling === settled) this.handling = undefined;
    });
    this.handling = settled;
    return settled;
  }

  /** Resolves once every live projection of the runner has committed up to this position. */
  waitFor(position: number): Promise<void> {
    if (this.live().every((w) => w.committedPosition >= position)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.liveCommit);
    await this.follower?.close();
    await this.committing;
    await this.commitAll();
  }

  /** Stops folding into one projection version (an older version, replaced, or one removed). */
  retire(key: string): void {
    for (const worker of this.workers) if (worker.key === key) worker.retired = true;
  }

  /** Settles once the commit and the fold under way now, if any, are done (after a retire: nothing more is stored for it). */
  async idle(): Promise<void> {
    await this.committing;
    await this.handling?.catch(() => undefined);
  }

  private live(): ProjectionWorker[] {
    return this.workers.filter(isLive);
  }

  /**
   * One event as it comes: folded into every live projection, committed every so often.
   * Synchronous when nothing must be waited for (a promise per event was measurable in a rebuild).
   */
  private handle(event: RecordedEvent): void | Promise<void> {
    const until = this.options.until;
    if (until && event.globalPosition > until.position) return this.reachedUntil(until);
    // A backfill reads the embedded store synchronously, so it could run on promises alone and never
    // let timers or I/O in (HTTP requests, lease renewals): every 50 ms it lets them.
    const now = performance.now();
    if (this.committing || now - this.lastYield > 50) return this.handleAfterPause(event);
    if (this.stopped) return;
    const folding = this.fold(event);
    if (folding) return folding.then(() => this.folded(event));
    return this.folded(event, now);
  }

  private async handleAfterPause(event: RecordedEvent): Promise<void> {
    if (this.committing) await this.committing;
    if (performance.now() - this.lastYield > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      this.lastYield = performance.now();
    }
    if (this.stopped) return;
    await this.fold(event);
    await this.folded(event);
  }

  /** Past the last position to fold: the projections stand at it, committed; later events pass by. */
  private async reachedUntil(until: Pick<LogHead, 'position' | 'recordedAt'>): Promise<void> {
    if (this.live().every((w) => w.committedPosition >= until.position)) return;
    if (this.committing) await this.committing;
    for (const worker of this.live()) worker.advanceTo(until.position, until.recordedAt);
    await this.commitAll();
    this.reportProgress(until.position, false);
  }

  /** `now`: the clock read when the event came, if it was folded at once (one read per event, not three). */
  private folded(event: RecordedEvent, now = performance.now()): void | Promise<void> {
    if (++this.sinceCommit >= (this.options.commitEvery ?? 1_000_000) || now - this.lastCommit >= (this.options.commitEveryMs ?? 30_000)) {
      return this.commitAll().then(() => this.reportProgress(event.globalPosition, false));
    }
    this.reportProgress(event.globalPosition, false, now);
  }

  /**
   * Folds the event into each live projection, in turn; goes on asynchronously from the first that
   * must wait or fails. Walks the workers themselves (a list of the live ones per event was measurable).
   */
  private fold(event: RecordedEvent): void | Promise<void> {
    const step = event.type === MERGED && (this.options.keep?.(event) ?? true) ? mergeStep(this.merges, event) : undefined;
    const workers = this.workers;
    for (let i = 0; i < workers.length; i++) {
      const worker = workers[i]!;
      if (!isLive(worker)) continue;
      let folding: void | Promise<void>;
      try {
        folding = worker.apply(event, this.merges, step);
      } catch (error) {
        return this.foldFrom(i, event, step, Promise.reject(error));
      }
      if (folding) return this.foldFrom(i, event, step, folding);
    }
  }

  private async foldFrom(first: number, event: RecordedEvent, step: MergeStep | undefined, firstFolding: Promise<void>): Promise<void> {
    const workers = this.workers;
    for (let i = first; i < workers.length; i++) {
      const worker = workers[i]!;
      // A projection stopped meanwhile (by a failure of another of its shards here) folds no more.
      if (i !== first && !isLive(worker)) continue;
      try {
        await (i === first ? firstFolding : worker.apply(event, this.merges, step));
      } catch (error) {
        if (!(error instanceof HandlerFailedError)) throw error;
        await this.fail(worker, error);
      }
    }
  }

  /**
   * Stops one projection at the event that failed: its states are committed as of the event
   * before (replayed from its last commit), its row records the error. The others carry on.
   */
  private async fail(worker: ProjectionWorker, error: HandlerFailedError): Promise<void> {
    worker.discardPending();
    const merges = MergeMap.of(this.merges.records(), (r) => r.globalPosition <= worker.committedPosition);
    const types = typesRead(worker.definition);
    for await (const event of this.store.readAll({ fromPosition: worker.committedPosition + 1, types, openPersonalData: personalDataRead(worker.definition) })) {
      if (event.globalPosition >= error.position) break;
      await worker.apply(event, merges, event.type === MERGED ? mergeStep(merges, event) : undefined);
    }
    worker.advanceTo(error.position - 1, null);
    try {
      await worker.commit();
    } catch (commitError) {
      if (!(commitError instanceof ShardFencedError)) throw commitError;
      return this.fenced(worker, commitError);
    }
    worker.failure = error;
    // The projection stops as a whole: its other shards folded here stop too, at what they committed.
    for (const sibling of this.workers) {
      if (sibling.key !== worker.key || sibling.failure) continue;
      sibling.discardPending();
      sibling.failure = error;
    }
    await this.readModels.setStatus(worker.key, 'failed', error.toJSON(), worker.shard);
    this.options.onFailure?.(worker.key, error);
  }

  /** Another instance folds this worker's shard now, from the checkpoint this worker last stored. */
  private fenced(worker: ProjectionWorker, error: ShardFencedError): void {
    worker.discardPending();
    worker.retired = true;
    this.options.onFenced?.(error);
  }

  /**
   * The loop has read everything stored: commit, so the states show it, now or once the live
   * commit interval since the last commit has passed. A commit made later is as consistent: each
   * worker commits the states it has folded with the position of the last event it folded.
   */
  private commitWhenDue(position: number): void {
    this.caughtUpAt = Math.max(this.caughtUpAt, position);
    if (this.liveCommit || this.stopped) return;
    const commit = () => {
      this.liveCommit = undefined;
      if (this.stopped) return;
      const commitLive = () => this.caughtUp(this.caughtUpAt);
      const folding = this.handling?.catch(() => undefined);
      this.committing = (folding ? folding.then(commitLive) : commitLive())
        // Not lost: the states stay pending and the next commit (the next append) writes them.
        .catch((error) => this.options.log?.('commit failed; the next commit retries', { error: String(error) }))
        .finally(() => (this.committing = undefined));
    };
    const wait = this.lastCommit + (this.options.liveCommitIntervalMs ?? 20) - performance.now();
    if (wait <= 0 && !this.committing) commit();
    else this.liveCommit = setTimeout(() => (this.committing ? this.committing.then(commit) : commit()), Math.max(0, wait));
  }

  private async caughtUp(scanned: number): Promise<void> {
    const head = await this.store.head();
    this.head = Math.max(scanned, head.position);
    const until = this.options.until;
    const position = until ? Math.min(scanned, until.position) : scanned;
    const recordedAt = position === head.position ? head.recordedAt : position === until?.position ? until.recordedAt : null;
    for (const worker of this.live()) worker.advanceTo(position, recordedAt);
    await this.commitAll('live');
    this.reportProgress(position, true);
    for (const worker of this.live()) {
      if (!this.announced.has(worker.key)) {
        this.announced.add(worker.key);
        this.options.onCaughtUp?.(worker.key);
      }
    }
  }

  private async commitAll(status?: 'live'): Promise<void> {
    for (const worker of this.live()) {
      try {
        await worker.commit(status);
      } catch (error) {
        if (error instanceof ShardFencedError) {
          this.fenced(worker, error);
          continue;
        }
        if (!(error instanceof HandlerFailedError)) throw error;
        await this.fail(worker, error);
      }
    }
    this.sinceCommit = 0;
    this.lastCommit = performance.now();
    const committed = Math.min(...this.live().map((w) => w.committedPosition));
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.position <= committed || this.live().length === 0) {
        this.waiters[i]!.resolve();
        this.waiters.splice(i, 1);
      }
    }
  }

  private reportProgress(position: number, caughtUp: boolean, now = performance.now()): void {
    if (!this.options.onProgress) return;
    if (!caughtUp && now - this.lastProgress < 250) return;
    this.lastProgress = now;
    if (position > this.head) this.head = position;
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? (position - this.startPosition) / seconds : 0;
    this.options.onProgress({
      position,
      head: this.head,
      eventsPerSecond: rate,
      etaSeconds: rate > 0 ? (this.head - position) / rate : null,
      caughtUp,
    });
  }
}

export const mergeRecordOf = (event: RecordedEvent): MergeRecord => {
  const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
  return { survivorId, mergedId, globalPosition: event.globalPosition, occurredAt: event.occurredAt, recordedAt: event.recordedAt };
};

/** Applies a CustomersMerged event to the map; the step when it joined two customers. */
export const mergeStep = (merges: MergeMap, event: RecordedEvent): MergeStep | undefined => {
  const record = mergeRecordOf(event);
  const survivor = merges.canonical(record.survivorId);
  const absorbed = merges.canonical(record.mergedId);
  if (!merges.apply(record)) return undefined;
  return { survivor, absorbed, members: merges.members(survivor) };
};

/** The merges recorded up to a position. */
export const loadMerges = async (store: EventStore, upTo: number): Promise<MergeMap> => {
  const merges = new MergeMap();
  if (upTo === 0) return merges;
  for await (const event of store.readAll({ types: [MERGED], openPersonalData: NO_PERSONAL_DATA })) {
    if (event.globalPosition > upTo) break;
    merges.apply(mergeRecordOf(event));
  }
  return merges;
};
