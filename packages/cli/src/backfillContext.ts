// What `serve`'s backfill threads open (see ProjectionRuntime's `backfill`): the same ledger,
// read models and registered projections as the service, from the same data directory and
// environment (worker threads inherit it).
import { BACKFILL_CACHE_SIZE_KB, type BackfillContext } from '@roc-ledger/projections';
import { openLedger } from './openLedger.ts';
import { openReadModels, registeredDefinitions } from './projections.ts';

export const openBackfillContext = async ({ dataDir }: { dataDir: string }): Promise<BackfillContext> => {
  const ledger = openLedger(dataDir, undefined, { sqliteCacheSizeKb: BACKFILL_CACHE_SIZE_KB.events });
  const readModels = await openReadModels(ledger.dataDir, process.env, { sqliteCacheSizeKb: BACKFILL_CACHE_SIZE_KB.readModels });
  const { definitions } = await registeredDefinitions(readModels);
  return {
    store: ledger.store,
    readModels,
    definitions,
    async close() {
      await readModels.close();
      await ledger.store.close();
    },
  };
};

/** The runtime's `backfill` option for a data directory. */
export const backfillThreads = (dataDir: string) => ({ module: import.meta.resolve('./backfillContext.ts'), data: { dataDir } });
