import { byCustomer, projectionKey, type ProjectionDefinition } from '../definition.ts';
import { getSqliteReadModelStore } from '../readModel/sqliteReadModelStore.ts';
import type { ReadModelStore } from '../readModel/types.ts';
import type { Cut } from '../replay.ts';
import type { Progress } from '../runner.ts';
import type { BackfillEnd } from './protocol.ts';
import { backfillOnThreads } from './threads.ts';

export interface ThreadedReplayOptions {
  /**
   * The module the threads open (see BackfillThreads): its context's definitions include these,
   * and its read models are the SQLite file at `readModelsPath`.
   */
  readonly backfill: { readonly module: string; readonly data?: unknown };
  /** A new SQLite file the threads commit their shards' states to; the caller removes it. */
  readonly readModelsPath: string;
  /** 2 or more: the shards, one thread each, all running at once. */
  readonly threads: number;
  /** The last position folded (the head when the replay starts). */
  readonly until: BackfillEnd;
  readonly cut?: Cut;
  /** The slowest thread's progress. */
  readonly onProgress?: (progress: Progress) => void;
}

/** Per-customer projections folded together on threads: their states, each under its key, in one read-model store. */
export interface ThreadedReplay {
  readonly readModels: ReadModelStore;
  readonly keys: readonly string[];
  readonly position: number;
}

/**
 * Per-customer projections folded together over the whole log, or a cut of it, by backfill
 * threads, each folding its shard of the customers and reading only its shard's streams: the
 * states replayAll gives each (the shards fold by the runtime's own code, which keeps a rebuild's
 * states byte-identical however it is split), in a SQLite file rather than in memory. Undefined
 * when a shard did not reach the end (a handler threw, or a thread died), or when the projections
 * cannot fold so (one is not per customer, or two share a name and version): the caller folds on
 * one thread instead, which meets the same event and reports it.
 */
export const replayOnThreads = async (definitions: readonly ProjectionDefinition<any>[], options: ThreadedReplayOptions): Promise<ThreadedReplay | undefined> => {
  const keys = definitions.map(projectionKey);
  if (!definitions.every(byCustomer) || new Set(keys).size !== keys.length) return undefined;
  const threads = Math.max(2, Math.floor(options.threads));
  // Created here before the threads open it, so that they do not race to lay out a new file.
  const readModels = getSqliteReadModelStore(options.readModelsPath);
  const run = backfillOnThreads({
    ...options.backfill,
    plan: Array.from({ length: threads }, (_, index) => ({ keys, shard: { index, count: threads } })),
    until: options.until,
    ...(options.cut ? { cut: options.cut } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  await run.done;
  for (const key of keys) {
    const shards = await readModels.shardRows(key);
    if (shards.length !== threads || shards.some((shard) => shard.position !== options.until.position || shard.status === 'failed')) {
      await readModels.close();
      return undefined;
    }
  }
  return { readModels, keys, position: options.until.position };
};
