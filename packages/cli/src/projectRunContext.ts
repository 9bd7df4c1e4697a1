// What `project run`'s threads open: the command's ledger, from the same data directory and
// environment (worker threads inherit it), the projection it runs, and the SQLite file of read
// models the command made for the run.
import { BACKFILL_CACHE_SIZE_KB, getSqliteReadModelStore, type BackfillContext } from '@roc-ledger/projections';
import { openLedger } from './openLedger.ts';
import { projectionFrom } from './projections.ts';

export interface ProjectRunThreadData {
  readonly dataDir: string;
  /** A built-in projection's name or an absolute module path (threads resolve no relative path against the caller's). */
  readonly module: string;
  readonly readModelsPath: string;
}

export const openBackfillContext = async ({ dataDir, module, readModelsPath }: ProjectRunThreadData): Promise<BackfillContext> => {
  const definition = await projectionFrom(module);
  const ledger = openLedger(dataDir, undefined, { sqliteCacheSizeKb: BACKFILL_CACHE_SIZE_KB.events });
  const readModels = getSqliteReadModelStore(readModelsPath, { cacheSizeKb: BACKFILL_CACHE_SIZE_KB.readModels });
  return {
    store: ledger.store,
    readModels,
    definitions: [definition],
    async close() {
      await readModels.close();
      await ledger.store.close();
    },
  };
};

/** The threads' module and data for a run of this module over this ledger. */
export const projectRunThreads = (data: ProjectRunThreadData) => ({ module: import.meta.resolve('./projectRunContext.ts'), data });
