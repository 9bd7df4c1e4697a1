import { Worker } from 'node:worker_threads';
import type { Progress } from '../runner.ts';
import type { BackfillThreads, FromThread, ThreadData, ToThread } from './protocol.ts';

export interface BackfillRun {
  /** Settles once every thread has stopped, each having committed what it folded. */
  readonly done: Promise<void>;
  /** The keys being backfilled on threads now. */
  readonly keys: ReadonlySet<string>;
  /** Asks every thread to commit what it has folded and stop. */
  stop(): Promise<void>;
}

export interface BackfillRunOptions extends BackfillThreads {
  readonly keys: readonly string[];
  readonly until: number;
  readonly commitEvery?: number;
  readonly commitEveryMs?: number;
  readonly pageSize?: number;
  /** The slowest thread's progress: it decides when the backfill ends. */
  readonly onProgress?: (progress: Progress) => void;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Backfills projections in parallel, one worker thread each, every thread reading the log on its
 * own: on a machine with cores to spare a rebuild of several projections takes about as long as
 * the slowest of them, and the runtime's event loop stays free for requests meanwhile.
 */
export const backfillOnThreads = (options: BackfillRunOptions): BackfillRun => {
  const running = new Set(options.keys);
  const latest = new Map<string, Progress>();
  const threads = options.keys.map((key) => {
    const workerData: ThreadData = {
      module: options.module,
      data: options.data,
      key,
      until: options.until,
      ...(options.commitEvery ? { commitEvery: options.commitEvery } : {}),
      ...(options.commitEveryMs ? { commitEveryMs: options.commitEveryMs } : {}),
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    };
    const thread = new Worker(new URL('./thread.ts', import.meta.url), { workerData });
    thread.on('message', (message: FromThread) => {
      if (message.type === 'progress') {
        latest.set(key, message.progress);
        const slowest = [...latest.values()].reduce((a, b) => (b.position < a.position ? b : a));
        options.onProgress?.({ ...slowest, caughtUp: false });
      } else if (message.type === 'failed') options.log?.('projection failed during its backfill; the runtime folds it again from its checkpoint', { key, error: message.message });
      else options.log?.('projection backfilled on its own thread', { key, position: message.position });
    });
    let failure: unknown;
    thread.on('error', (error) => (failure = error));
    const exited = new Promise<void>((resolve) =>
      thread.once('exit', (code) => {
        running.delete(key);
        // Not lost: whatever it committed stays, and the runtime's runner folds the rest from there.
        if (code !== 0 || failure) options.log?.('a backfill thread stopped; the runtime folds the rest itself', { key, code, error: failure === undefined ? undefined : String(failure) });
        resolve();
      }),
    );
    return { thread, exited };
  });
  const done = Promise.all(threads.map((t) => t.exited)).then(() => undefined);
  return {
    done,
    keys: running,
    async stop() {
      for (const { thread } of threads) thread.postMessage({ type: 'stop' } satisfies ToThread);
      await done;
    },
  };
};
