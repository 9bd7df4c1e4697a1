// What a rebuild's backfill threads open: the bench ledger's store (sealed, keys beside it, as
// `serve` opens it) and read models, and the two projections the rebuild case measures (or the
// module an analyst's run on threads folds).
import { dirname, join } from 'node:path';
import { customerView } from '@roc-ledger/customer-view';
import { createPersonalDataGuard, getFileKeyStore } from '@roc-ledger/privacy';
import { BACKFILL_CACHE_SIZE_KB, getSqliteReadModelStore, loadProjectionModule, type BackfillContext } from '@roc-ledger/projections';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { trustScore } from '@roc-ledger/trust-score';
import { contract } from '../../test/support/tempLedger.ts';

export const openBackfillContext = async ({ dbPath, readModelsPath, unsealed, module }: { dbPath: string; readModelsPath: string; unsealed: boolean; module?: string }): Promise<BackfillContext> => {
  const keys = unsealed ? undefined : getFileKeyStore({ path: join(dirname(dbPath), 'keys.db') });
  const store = getSqliteEventStore({ path: dbPath, contract, ...(keys ? { personalData: createPersonalDataGuard(keys) } : {}), cacheSizeKb: BACKFILL_CACHE_SIZE_KB.events });
  const readModels = getSqliteReadModelStore(readModelsPath, { cacheSizeKb: BACKFILL_CACHE_SIZE_KB.readModels });
  return {
    store,
    readModels,
    definitions: module ? [await loadProjectionModule(module)] : [customerView, trustScore],
    async close() {
      await readModels.close();
      await store.close();
      await keys?.close();
    },
  };
};
