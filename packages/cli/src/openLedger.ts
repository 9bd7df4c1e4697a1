import { join } from 'node:path';
import { createContract, type Contract } from '@roc-ledger/events';
import type { NormalizationConfig } from '@roc-ledger/identity';
import { Ingestor } from '@roc-ledger/ingest';
import type { EventStore } from '@roc-ledger/ledger';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { loadConfig, resolveDataDir } from './config.ts';

export interface OpenLedger {
  readonly store: EventStore;
  readonly contract: Contract;
  readonly dataDir: string;
  readonly identity: NormalizationConfig;
}

/** Opens the embedded store in the data directory. */
export const openLedger = (dataDirFlag: string | undefined, clock?: () => Date): OpenLedger => {
  const dataDir = resolveDataDir(dataDirFlag);
  const { reportingCurrency, identity } = loadConfig(dataDir);
  const contract = createContract({ reportingCurrency });
  const store = getSqliteEventStore({ path: join(dataDir, 'events.db'), contract, ...(clock ? { clock } : {}) });
  return { store, contract, dataDir, identity };
};

/** The embedded store with the ingestion path every channel uses (identity resolution included). */
export const openIngestor = async (ledger: OpenLedger, clock?: () => Date): Promise<Ingestor> =>
  Ingestor.open({ store: ledger.store, contract: ledger.contract, normalization: ledger.identity, ...(clock ? { clock } : {}) });
