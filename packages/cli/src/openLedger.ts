import { join } from 'node:path';
import { createContract, type Contract } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import type { EventStore } from '@roc-ledger/ledger';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { loadConfig, resolveDataDir } from './config.ts';

export interface OpenLedger {
  readonly store: EventStore;
  readonly contract: Contract;
  readonly dataDir: string;
}

/** Opens the embedded store in the data directory. */
export const openLedger = (dataDirFlag: string | undefined, clock?: () => Date): OpenLedger => {
  const dataDir = resolveDataDir(dataDirFlag);
  const { reportingCurrency } = loadConfig(dataDir);
  const contract = createContract({ reportingCurrency });
  const store = getSqliteEventStore({ path: join(dataDir, 'events.db'), contract, ...(clock ? { clock } : {}) });
  return { store, contract, dataDir };
};

/** The embedded store with the ingestion path every channel uses (identity resolution included). */
export const openIngestor = async (ledger: OpenLedger, clock?: () => Date): Promise<Ingestor> =>
  Ingestor.open({ store: ledger.store, contract: ledger.contract, ...(clock ? { clock } : {}) });
