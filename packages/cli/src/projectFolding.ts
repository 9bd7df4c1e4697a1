// How `project run` and `project diff` fold projections over the log: per-customer ones on
// threads, a shard of the customers each, on a large log (or as told); others, or on a small log,
// on the command's own thread with the states in memory. Nothing is stored in the ledger.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EventStore, LogHead, RecordedEvent } from '@roc-ledger/ledger';
import { BACKFILL_THREADS_MAX, projectionKey, replayEach, replayOnThreads, type Cut, type ProjectionDefinition, type ReadModelStore } from '@roc-ledger/projections';
import { logProgress } from './output/progress.ts';
import { BUILT_IN_PROJECTIONS } from './projections.ts';
import { projectFoldThreads } from './projectFoldContext.ts';

/** From this many events in the log, per-customer projections fold on one thread per core unless told otherwise (as `serve` backfills). */
export const THREADED_FOLD_MIN_EVENTS = 100_000;

export interface Folded {
  /** Each projection's states: its key in a read-model store (one store for all, when folded on threads). */
  readonly folds: readonly { readonly readModels: ReadModelStore; readonly key: string }[];
  readonly position: number;
  /** How it was folded, for the command's summary. */
  readonly how: string;
  /** Closes the read models and removes what the fold wrote. */
  close(): Promise<void>;
}

/** On the command's own thread: one read of the log for all of them, each into an in-memory store. */
const foldHere = async (store: EventStore, definitions: readonly ProjectionDefinition<any>[], cut: Cut, head: LogHead): Promise<Folded> => {
  const { update, stop } = logProgress(definitions.map(projectionKey).join(' and '), head.position);
  const runs = await replayEach(store, definitions, cut, { upTo: head.position, ...(update ? { onEvent: (event: RecordedEvent) => update(event.globalPosition) } : {}) }).finally(stop);
  return {
    folds: runs.map(({ readModels, key }) => ({ readModels, key })),
    position: head.position,
    how: `${runs[0]!.read} event(s) of the types it reads, to position ${head.position}`,
    close: async () => {
      for (const run of runs) await run.readModels.close();
    },
  };
};

/**
 * On threads, each for a shard of the customers, into a SQLite file in a temporary folder:
 * undefined when they cannot fold so (not all per customer, two of one name and version, or one
 * reads personal values, which stay in this process's memory rather than in a file) or a shard
 * stopped short (a handler threw), and they are then folded here.
 */
const foldOnThreads = async (dataDir: string, modules: readonly string[], definitions: readonly ProjectionDefinition<any>[], cut: Cut, head: LogHead, threads: number): Promise<Folded | undefined> => {
  if (definitions.some((definition) => (definition.personalData?.length ?? 0) > 0)) return undefined;
  const folder = mkdtempSync(join(tmpdir(), 'roc-project-run-'));
  const removeStates = () => rmSync(folder, { recursive: true, force: true });
  // Interrupted (Ctrl-C, a kill), the command leaves no states behind.
  const interrupted = (signal: NodeJS.Signals) => {
    removeStates();
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const dispose = () => {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    removeStates();
  };
  const readModelsPath = join(folder, 'readmodels.db');
  // Threads load the modules themselves: a built-in by its name, a file by its absolute path.
  const paths = modules.map((module) => (BUILT_IN_PROJECTIONS.some((p) => p.name === module) ? module : resolve(module)));
  const { update, stop } = logProgress(`${definitions.map(projectionKey).join(' and ')} on ${threads} threads`, head.position);
  let kept = false;
  try {
    const replayed = await replayOnThreads(definitions, {
      backfill: projectFoldThreads({ dataDir, modules: paths, readModelsPath }),
      readModelsPath,
      threads,
      until: { position: head.position, recordedAt: head.recordedAt },
      cut,
      ...(update ? { onProgress: (progress) => update(progress.position) } : {}),
    });
    if (!replayed) return undefined;
    kept = true;
    return {
      folds: replayed.keys.map((key) => ({ readModels: replayed.readModels, key })),
      position: replayed.position,
      how: `to position ${replayed.position} on ${threads} threads (a shard of the customers each)`,
      close: async () => {
        await replayed.readModels.close();
        dispose();
      },
    };
  } finally {
    stop();
    // Not folded on threads (or failed): nothing of it is kept.
    if (!kept) dispose();
  }
};

/** The projections (loaded from these modules, in order) folded over the log up to `head`, or a cut of it. */
export const foldProjections = async (
  ledger: { store: EventStore; dataDir: string },
  modules: readonly string[],
  definitions: readonly ProjectionDefinition<any>[],
  cut: Cut,
  head: LogHead,
  threads = head.position >= THREADED_FOLD_MIN_EVENTS ? Math.min(BACKFILL_THREADS_MAX, availableParallelism()) : 1,
): Promise<Folded> => (threads >= 2 ? await foldOnThreads(ledger.dataDir, modules, definitions, cut, head, threads) : undefined) ?? foldHere(ledger.store, definitions, cut, head);
