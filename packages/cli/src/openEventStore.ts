import { join } from 'node:path';
import type { Contract } from '@roc-ledger/events';
import type { EventStore, PersonalDataGuard } from '@roc-ledger/ledger';
import { connectEventStoreDb, getEventStoreDbEventStore } from '@roc-ledger/store-eventstoredb';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { CliError, CliErrorCode } from './errors.ts';

export type EventStoreKind = 'sqlite' | 'eventstoredb';

const EVENTSTOREDB_URL = /^(esdb|kurrent|kurrentdb)(\+discover)?:\/\//;

/** Which backend ROC_LEDGER_EVENT_STORE_URL names: unset is the embedded store in the data directory. */
export const eventStoreKind = (env: NodeJS.ProcessEnv = process.env): EventStoreKind => {
  const url = env.ROC_LEDGER_EVENT_STORE_URL;
  if (!url) return 'sqlite';
  if (EVENTSTOREDB_URL.test(url)) return 'eventstoredb';
  throw new CliError(CliErrorCode.invalidConfig, `ROC_LEDGER_EVENT_STORE_URL must be an esdb:// or kurrentdb:// connection string, not ${url.split('://')[0]}://…`);
};

/**
 * The event store: <data-dir>/events.db, or EventStoreDB/KurrentDB at ROC_LEDGER_EVENT_STORE_URL
 * (ROC_LEDGER_EVENT_STORE_NAMESPACE keeps several ledgers apart in one database).
 */
export const openEventStore = (
  dataDir: string,
  options: { contract: Contract; personalData: PersonalDataGuard; clock?: () => Date; sqliteCacheSizeKb?: number },
  env: NodeJS.ProcessEnv = process.env,
): EventStore => {
  const { contract, personalData, clock } = options;
  const common = { contract, personalData, ...(clock ? { clock } : {}) };
  if (eventStoreKind(env) === 'eventstoredb') {
    const namespace = env.ROC_LEDGER_EVENT_STORE_NAMESPACE;
    return getEventStoreDbEventStore({ client: connectEventStoreDb(env.ROC_LEDGER_EVENT_STORE_URL!), ...(namespace ? { namespace } : {}), ...common });
  }
  return getSqliteEventStore({ path: join(dataDir, 'events.db'), ...common, ...(options.sqliteCacheSizeKb ? { cacheSizeKb: options.sqliteCacheSizeKb } : {}) });
};
