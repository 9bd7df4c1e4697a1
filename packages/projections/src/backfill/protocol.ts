import type { EventStore, LogHead } from '@roc-ledger/ledger';
import type { ProjectionDefinition } from '../definition.ts';
import type { Cut } from '../replay.ts';
import type { ReadModelStore } from '../readModel/types.ts';
import type { Progress } from '../runner.ts';

/**
 * How a runtime's projections can be backfilled on threads of their own: a module that opens, in
 * a worker thread, the same event store, read models and definitions the runtime was given.
 */
export interface BackfillThreads {
  /** URL (file:) of a module exporting `openBackfillContext(data): Promise<BackfillContext>`. */
  readonly module: string;
  /** Passed to openBackfillContext; structured-cloneable (paths, settings). */
  readonly data?: unknown;
  /** Projections at least this many events behind the head backfill on threads (default 100,000); closer ones fold in the runtime's own runner. */
  readonly minEvents?: number;
  /**
   * Threads the per-customer projections backfill on (default: the machine's available
   * parallelism, at most 8): each folds every one of them for its shard of the customers. Other
   * projections backfill on a thread each. At most this many threads run at once.
   */
  readonly threads?: number;
  /** Milliseconds after the last thread's end by which its memory is back with the system (default THREAD_MEMORY_RETURNED_MS; tests shorten it). */
  readonly memoryReturnedMs?: number;
}

/**
 * SQLite page caches for a backfill thread's own connections, in KiB. A thread reads the log once,
 * in order, which the OS page cache serves as well; the runtime's default 64 MiB per connection,
 * on two connections per thread, only added to the process's memory (measured: a threaded rebuild
 * of two projections over 1,000,067 events peaked at 1,057-1,072 MB with it, at 822-832 MB with
 * these, no slower).
 */
export const BACKFILL_CACHE_SIZE_KB = { events: 2_048, readModels: 8_192 } as const;

export interface BackfillContext {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  readonly definitions: readonly ProjectionDefinition<any>[];
  close(): Promise<void>;
}

/** Where a backfill ends: the head when it started. */
export type BackfillEnd = Pick<LogHead, 'position' | 'recordedAt'>;

export interface ThreadData {
  readonly module: string;
  readonly data: unknown;
  /** name@version of the projections this thread backfills, folded together from one read of the log. */
  readonly keys: readonly string[];
  /** The shard of their partitions this thread folds; all of them without. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Fold and commit up to exactly this position, then stop. */
  readonly until: BackfillEnd;
  /** Fold only the events in this cut of the log (`project run --as-of/--known-at`); all of them without. */
  readonly cut?: Cut;
  readonly commitEvery?: number;
  readonly commitEveryMs?: number;
  readonly pageSize?: number;
}

export type FromThread =
  | { type: 'progress'; progress: Progress }
  /** Each projection's committed checkpoint (its shard's, for a shard thread) when the thread stopped. */
  | { type: 'done'; positions: Record<string, number> }
  | { type: 'failed'; key: string; message: string };

export type ToThread = { type: 'stop' };
