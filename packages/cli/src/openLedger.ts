import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createContract, type Contract, type CustomerRef } from '@roc-ledger/events';
import type { IdentityResolver, NormalizationConfig } from '@roc-ledger/identity';
import { Ingestor, resolverFor, type IngestorOptions } from '@roc-ledger/ingest';
import type { EventStore } from '@roc-ledger/ledger';
import { createPersonalDataGuard, customerIdKey, getFileKeyStore, type KeyStore } from '@roc-ledger/privacy';
import { readableByOthers } from '@roc-ledger/store-sqlite';
import { loadConfig, resolveDataDir } from './config.ts';
import { CliError, CliErrorCode } from './errors.ts';
import { eventStoreKind, openEventStore } from './openEventStore.ts';
import { withYoungGenerationHeld } from './youngGeneration.ts';

export interface OpenLedger {
  readonly store: EventStore;
  readonly contract: Contract;
  readonly dataDir: string;
  readonly identity: NormalizationConfig;
  /** Per-customer keys sealing personal data: ROC_LEDGER_KEY_STORE, else <data-dir>/keys.db. */
  readonly keys: KeyStore;
}

export const keyStorePath = (dataDir: string, env: NodeJS.ProcessEnv = process.env): string => env.ROC_LEDGER_KEY_STORE ?? join(dataDir, 'keys.db');

let warnedOfReadableKeys = false;

/**
 * Says, once per process, that the key file can be read by other users of the machine: a ledger
 * made before its files were created for their owner only (or copied with other permissions).
 * New key files are (store-sqlite privateFiles.ts); an existing one keeps the mode it was given.
 */
const warnIfKeysReadable = (path: string): void => {
  if (warnedOfReadableKeys || !readableByOthers(path)) return;
  warnedOfReadableKeys = true;
  process.stderr.write(`roc-ledger: warning: ${path} holds every customer's key and other users of this machine can read it; make it its owner's alone: chmod 600 ${path} ${path}-wal ${path}-shm\n`);
};

/**
 * Opens the event store (embedded, or EventStoreDB: see openEventStore), personal data sealed with
 * the key store's keys. Only `create` (import, demo load, serve) makes a new embedded ledger: any
 * other command given a directory with none (a mistyped --data-dir) says so, rather than report
 * an empty ledger it has just made there ("no customer C0000007").
 */
export const openLedger = (dataDirFlag: string | undefined, clock?: () => Date, options: { sqliteCacheSizeKb?: number; create?: boolean } = {}): OpenLedger => {
  const dataDir = options.create ? resolveDataDir(dataDirFlag) : existingLedgerDir(dataDirFlag);
  const { reportingCurrency, identity } = loadConfig(dataDir);
  const contract = createContract({ reportingCurrency });
  const keysPath = keyStorePath(dataDir);
  warnIfKeysReadable(keysPath);
  const keys = getFileKeyStore({ path: keysPath });
  const events = openEventStore(dataDir, { contract, personalData: createPersonalDataGuard(keys), ...(clock ? { clock } : {}), ...(options.sqliteCacheSizeKb ? { sqliteCacheSizeKb: options.sqliteCacheSizeKb } : {}) });
  const store: EventStore = {
    ...events,
    async close() {
      await events.close();
      await keys.close();
    },
  };
  return { store, contract, dataDir, identity, keys };
};

/** The data directory, which must hold an embedded ledger (EventStoreDB's is elsewhere); throws CLI_ERR_NO_LEDGER. */
export const existingLedgerDir = (dataDirFlag: string | undefined): string => {
  const dataDir = resolveDataDir(dataDirFlag);
  if (eventStoreKind() === 'sqlite' && !existsSync(join(dataDir, 'events.db'))) {
    throw new CliError(CliErrorCode.noLedger, `no ledger in ${dataDir} (no events.db there): name the ledger's directory with --data-dir or ROC_LEDGER_DATA_DIR; import, demo load and serve create one`);
  }
  return dataDir;
};

const ingestorOptions = (ledger: OpenLedger, clock?: () => Date, options: { otherWriters?: boolean } = {}): IngestorOptions => ({
  store: ledger.store,
  contract: ledger.contract,
  normalization: ledger.identity,
  customerIdKey: () => customerIdKey(ledger.keys),
  ...(clock ? { clock } : {}),
  ...options,
});

/** The embedded store with the ingestion path every channel uses (identity resolution included). */
export const openIngestor = async (ledger: OpenLedger, clock?: () => Date, options: { otherWriters?: boolean } = {}): Promise<Ingestor> =>
  withYoungGenerationHeld(() => Ingestor.open(ingestorOptions(ledger, clock, options)));

/** A resolver for one customer reference, folded from no more of the log than it needs (see resolverFor). */
export const openResolverFor = (ledger: OpenLedger, ref: CustomerRef): Promise<IdentityResolver> => withYoungGenerationHeld(() => resolverFor(ingestorOptions(ledger), ref));
