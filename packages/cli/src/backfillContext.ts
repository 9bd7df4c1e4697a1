// What `serve`'s backfill threads open (see ProjectionRuntime's `backfill`): the same ledger,
// read models and registered projections as the service, from the same data directory and
// environment (worker threads inherit it).
import type { EventStore } from '@roc-ledger/ledger';
import { BACKFILL_CACHE_SIZE_KB, type BackfillContext, type ProjectionDefinition, type ReadModelStore } from '@roc-ledger/projections';
import { openLedger } from './openLedger.ts';
import { openReadModels, registeredDefinitions } from './projections.ts';

/** A thread's context over a ledger it opened: closing it closes the read models, then the ledger's store. */
export const contextOver = (ledger: { store: EventStore }, readModels: ReadModelStore, definitions: readonly ProjectionDefinition<any>[]): BackfillContext => ({
  store: ledger.store,
  readModels,
  definitions,
  async close() {
    await readModels.close();
    await ledger.store.close();
  },
});

export const openBackfillContext = async ({ dataDir }: { dataDir: string }): Promise<BackfillContext> => {
  const ledger = openLedger(dataDir, undefined, { sqliteCacheSizeKb: BACKFILL_CACHE_SIZE_KB.events });
  const readModels = await openReadModels(ledger.dataDir, process.env, { sqliteCacheSizeKb: BACKFILL_CACHE_SIZE_KB.readModels });
  const { definitions } = await registeredDefinitions(readModels);
  return contextOver(ledger, readModels, definitions);
};

/** The runtime's `backfill` option for a data directory. */
export const backfillThreads = (dataDir: string) => ({ module: import.meta.resolve('./backfillContext.ts'), data: { dataDir } });
