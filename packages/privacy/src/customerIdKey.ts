import { LedgerSecretDestroyedError } from './errors.ts';
import type { KeyStore } from './keyStore.ts';

/**
 * The key store's entry for the ledger's customer-id secret. Customers' key ids are their ids, and
 * those (like stream ids) start with a letter or digit, so no customer's key can take this one.
 */
export const CUSTOMER_ID_KEY_ID = '#customer-ids';

/**
 * The ledger's secret under which a new customer's id is derived from the identifier that first
 * names them (IngestorOptions.customerIdKey): created with the first such customer, and kept in
 * the key store beside the customers' keys, so that every process writing to the ledger derives
 * the same id and the log alone (an audit bundle, an export) gives no way back to the identifier.
 */
export const customerIdKey = async (keys: KeyStore): Promise<Uint8Array> => {
  const state = await keys.getOrCreate(CUSTOMER_ID_KEY_ID);
  if (state === 'destroyed') throw new LedgerSecretDestroyedError(CUSTOMER_ID_KEY_ID);
  return state;
};
