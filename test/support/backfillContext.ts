// The backfill threads' side of test/projections/backfillThreads: the test ledger's sealed store,
// the read models file, customer-view, trust-score and, when asked, a projection that fails at an event.
import { dirname, join } from 'node:path';
import { customerView } from '@roc-ledger/customer-view';
import { createPersonalDataGuard, getFileKeyStore } from '@roc-ledger/privacy';
import { defineProjection, getSqliteReadModelStore, type BackfillContext, type ProjectionDefinition } from '@roc-ledger/projections';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { trustScore } from '@roc-ledger/trust-score';
import { contract, openStore } from './tempLedger.ts';

export interface TestBackfillData {
  readonly dbPath: string;
  readonly readModelsPath: string;
  /** Adds `fragile`, whose handler throws at this event. */
  readonly failAt?: string;
  /** The ledger keeps personal values as they came (openStore), not sealed (openSealedStore). */
  readonly unsealed?: boolean;
  /** Adds `events`, a global count of interactions and purchases. */
  readonly globalCount?: boolean;
}

/** One state for the whole log: interactions and purchases counted. */
export const globalCount = defineProjection<{ n: number }>({
  name: 'events',
  version: 1,
  consumes: ['InteractionRecorded', 'PurchaseMade'],
  initialState: { n: 0 },
  handlers: {
    InteractionRecorded: (draft) => void (draft.n += 1),
    PurchaseMade: (draft) => void (draft.n += 1),
  },
  partitionBy: 'global',
});

/** Counts purchases and sentiment notes per customer; throws at one event, after changing the state. */
export const fragile = (failAt: string) =>
  defineProjection<{ n: number }>({
    name: 'fragile',
    version: 1,
    consumes: ['SentimentRecorded', 'PurchaseMade'],
    initialState: { n: 0 },
    handlers: {
      PurchaseMade: (draft) => {
        draft.n += 1;
      },
      SentimentRecorded: (draft, event) => {
        // Changes the state before it throws: the change must not survive the failure.
        draft.n += 1;
        if (event.eventId === failAt) throw new Error('cannot read this note');
      },
    },
  });

export const testDefinitions = (data: Pick<TestBackfillData, 'failAt' | 'globalCount'>): ProjectionDefinition<any>[] => [customerView, trustScore, ...(data.failAt ? [fragile(data.failAt)] : []), ...(data.globalCount ? [globalCount] : [])];

export const openSealedStore = (dbPath: string, clock?: () => Date) => {
  const keys = getFileKeyStore({ path: join(dirname(dbPath), 'keys.db') });
  const store = getSqliteEventStore({ path: dbPath, contract, personalData: createPersonalDataGuard(keys), ...(clock ? { clock } : {}) });
  return { store, keys };
};

export const openBackfillContext = async (data: TestBackfillData): Promise<BackfillContext> => {
  const { store, keys } = data.unsealed ? { store: openStore(data.dbPath), keys: undefined } : openSealedStore(data.dbPath);
  const readModels = getSqliteReadModelStore(data.readModelsPath);
  return {
    store,
    readModels,
    definitions: testDefinitions(data),
    async close() {
      await readModels.close();
      await store.close();
      await keys?.close();
    },
  };
};
