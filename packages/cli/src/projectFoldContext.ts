// What the threads of `project run` and `project diff` open: the command's ledger, from the same
// data directory and environment (worker threads inherit it), the projections it folds, and the
// SQLite file of read models the command made for them.
import { BACKFILL_CACHE_SIZE_KB, getSqliteReadModelStore, type BackfillContext } from '@roc-ledger/projections';
import { contextOver } from './backfillContext.ts';
import { openLedger } from './openLedger.ts';
import { projectionFrom } from './projections.ts';

export interface ProjectFoldThreadData {
  readonly dataDir: string;
  /** Built-in projections' names or absolute module paths, in the command's order. */
  readonly modules: readonly string[];
  readonly readModelsPath: string;
}

export const openBackfillContext = async ({ dataDir, modules, readModelsPath }: ProjectFoldThreadData): Promise<BackfillContext> => {
  const definitions = await Promise.all(modules.map((module) => projectionFrom(module)));
  const ledger = openLedger(dataDir, undefined, { sqliteCacheSizeKb: BACKFILL_CACHE_SIZE_KB.events });
  const readModels = getSqliteReadModelStore(readModelsPath, { cacheSizeKb: BACKFILL_CACHE_SIZE_KB.readModels });
  return contextOver(ledger, readModels, definitions);
};

/** The threads' module and data for a fold of these modules over this ledger. */
export const projectFoldThreads = (data: ProjectFoldThreadData) => ({ module: import.meta.resolve('./projectFoldContext.ts'), data });
