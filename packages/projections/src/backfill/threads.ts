import { Worker } from 'node:worker_threads';
import type { Cut } from '../replay.ts';
import type { Progress } from '../runner.ts';
import type { BackfillEnd, BackfillThreads, FromThread, ThreadData, ToThread } from './protocol.ts';

/**
 * The most V8's young generation may grow to in a backfill thread, in MiB. Left to itself V8 lets
 * a thread's grow to 192 (worker.resourceLimits reports it), and a rebuild, which allocates
 * without pause, grows it that far; what a thread allocates per event dies within the event or
 * its page, so a smaller one scavenges as well. Measured: peak RSS of a threaded rebuild 596-655
 * MB against 687-749 (4 and 8 runs), wall time within the machine's noise.
 */
export const BACKFILL_YOUNG_GENERATION_MB = 64;

/**
 * How long after a thread ends its heap is still the process's memory, in ms. V8 (13.6, Node 24)
 * keeps an ended isolate's pooled pages for 8 s in case another isolate of the process wants them
 * (PagePool::ReleaseOnTearDown); after a rebuild's threads, that is hundreds of MB (on the bench
 * ledger ~350 MB, returned 8 s after the threads ended, seen in the process's mappings).
 */
export const THREAD_MEMORY_RETURNED_MS = 9_000;

/** The most backfill threads run by default (one per core up to this): each holds a heap of its own. */
export const BACKFILL_THREADS_MAX = 8;

export interface BackfillRun {
  /** Settles once every thread has stopped, each having committed what it folded. */
  readonly done: Promise<void>;
  /**
   * Settles once the threads' memory is back with the system (THREAD_MEMORY_RETURNED_MS after
   * `done`): work that allocates as much waits for it, so that the two do not add up. Its timer
   * does not keep the process alive.
   */
  readonly memoryReturned: Promise<void>;
  /** Settles once every thread folding this projection has stopped (its shards committed). */
  finished(key: string): Promise<void>;
  /** The keys being backfilled on threads now. */
  readonly keys: ReadonlySet<string>;
  /** Asks every thread to commit what it has folded and stop. */
  stop(): Promise<void>;
}

/** What one thread backfills: these projections, for one shard of their partitions or for all. */
export interface ThreadPlan {
  readonly keys: readonly string[];
  readonly shard?: { readonly index: number; readonly count: number };
}

export interface BackfillRunOptions extends BackfillThreads {
  readonly plan: readonly ThreadPlan[];
  /**
   * The most threads running at once (default: all of the plan); the others start, in the plan's
   * order, as threads end. More threads than cores fold no faster, and each holds a heap of its own.
   */
  readonly concurrency?: number;
  readonly until: BackfillEnd;
  /** Every thread folds only the events in this cut. */
  readonly cut?: Cut;
  readonly commitEvery?: number;
  readonly commitEveryMs?: number;
  readonly pageSize?: number;
  /** The slowest thread's progress: it decides when the backfill ends. */
  readonly onProgress?: (progress: Progress) => void;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Backfills projections on worker threads, in parallel, every thread reading the log on its own:
 * on a machine with cores to spare a rebuild takes about as long as its slowest thread, and the
 * runtime's event loop stays free for requests meanwhile.
 */
export const backfillOnThreads = (options: BackfillRunOptions): BackfillRun => {
  const threadsOf = new Map<string, number>();
  for (const { keys } of options.plan) for (const key of keys) threadsOf.set(key, (threadsOf.get(key) ?? 0) + 1);
  const running = new Set(threadsOf.keys());
  const finished = new Map([...threadsOf.keys()].map((key) => [key, Promise.withResolvers<void>()]));
  const latest = new Map<number, Progress>();
  const started: Worker[] = [];
  let stopping = false;
  /** One thread's end: its projections' counts go down, and each that no thread folds any more is finished. */
  const ended = (plan: ThreadPlan) => {
    for (const key of plan.keys) {
      const left = threadsOf.get(key)! - 1;
      threadsOf.set(key, left);
      if (left === 0) {
        running.delete(key);
        finished.get(key)!.resolve();
      }
    }
  };
  const start = (plan: ThreadPlan, index: number): Promise<void> => {
    // Asked to stop before it started: nothing folded, nothing to commit.
    if (stopping) {
      ended(plan);
      return Promise.resolve();
    }
    const label = plan.shard ? `${plan.keys.join(', ')} shard ${plan.shard.index + 1}/${plan.shard.count}` : plan.keys.join(', ');
    const workerData: ThreadData = {
      module: options.module,
      data: options.data,
      keys: plan.keys,
      ...(plan.shard ? { shard: plan.shard } : {}),
      until: options.until,
      ...(options.cut ? { cut: options.cut } : {}),
      ...(options.commitEvery ? { commitEvery: options.commitEvery } : {}),
      ...(options.commitEveryMs ? { commitEveryMs: options.commitEveryMs } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    };
    const thread = new Worker(new URL('./thread.ts', import.meta.url), { workerData, resourceLimits: { maxYoungGenerationSizeMb: BACKFILL_YOUNG_GENERATION_MB } });
    started.push(thread);
    thread.on('message', (message: FromThread) => {
      if (message.type === 'progress') {
        latest.set(index, message.progress);
        // Until every thread started has reported, the slowest may be one not heard from yet: no position is
        // claimed. Threads still waiting to start count from when they start (the position may then go back).
        if (latest.size < started.length) return;
        const slowest = [...latest.values()].reduce((a, b) => (b.position < a.position ? b : a));
        options.onProgress?.({ ...slowest, caughtUp: false });
      } else if (message.type === 'failed') options.log?.('projection failed during its backfill; the runtime folds it again from its checkpoint', { key: message.key, thread: label, error: message.message });
      else options.log?.('backfill thread done', { thread: label, positions: message.positions });
    });
    let failure: unknown;
    thread.on('error', (error) => (failure = error));
    return new Promise<void>((resolve) =>
      thread.once('exit', (code) => {
        ended(plan);
        // Not lost: whatever it committed stays, and the runtime's runner folds the rest from there.
        if (code !== 0 || failure) options.log?.('a backfill thread stopped; the runtime folds the rest itself', { thread: label, code, error: failure === undefined ? undefined : String(failure) });
        resolve();
      }),
    );
  };
  // Each lane runs its threads one after another; the plan is dealt to the lanes in order.
  const lanes = Math.max(1, Math.min(options.concurrency ?? options.plan.length, options.plan.length));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < options.plan.length) {
      const index = next++;
      await start(options.plan[index]!, index);
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, lane)).then(() => undefined);
  const memoryReturned = done.then(() => new Promise<void>((resolve) => setTimeout(resolve, options.memoryReturnedMs ?? THREAD_MEMORY_RETURNED_MS).unref()));
  return {
    done,
    memoryReturned,
    keys: running,
    finished: (key) => finished.get(key)?.promise ?? Promise.resolve(),
    async stop() {
      stopping = true;
      for (const thread of started) thread.postMessage({ type: 'stop' } satisfies ToThread);
      await done;
    },
  };
};
