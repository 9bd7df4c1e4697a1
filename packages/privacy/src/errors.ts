import { RocLedgerError } from '@roc-ledger/events';

export const PrivacyErrorCode = {
  keyStoreUnavailable: 'PRIVACY_ERR_KEYSTORE_UNAVAILABLE',
  customerErased: 'PRIVACY_ERR_CUSTOMER_ERASED',
  keyMissing: 'PRIVACY_ERR_KEY_MISSING',
  sealBroken: 'PRIVACY_ERR_SEAL_BROKEN',
  accessLogUnavailable: 'PRIVACY_ERR_ACCESS_LOG_UNAVAILABLE',
  ledgerSecretDestroyed: 'PRIVACY_ERR_LEDGER_SECRET_DESTROYED',
} as const;

/** A read of personal data could not be recorded in the access log, so it is not served. Retriable. */
export class AccessLogUnavailableError extends RocLedgerError {
  constructor(message: string, cause?: unknown) {
    super(PrivacyErrorCode.accessLogUnavailable, `the access log is unavailable: ${message}`, { retriable: true, cause });
  }
}

/** The key store cannot be reached. Nothing was stored and nothing opened: retry later. */
export class KeyStoreUnavailableError extends RocLedgerError {
  constructor(message: string, cause?: unknown) {
    super(PrivacyErrorCode.keyStoreUnavailable, `the key store is unavailable: ${message}`, { retriable: true, cause });
  }
}

/** An event carries personal data for a customer whose keys were destroyed: it cannot be stored without storing it in clear. */
export class CustomerErasedError extends RocLedgerError {
  readonly eventId: string;
  readonly issues: readonly { path: string; message: string }[];

  constructor(customerId: string, eventId: string, paths: readonly string[]) {
    super(PrivacyErrorCode.customerErased, `customer ${customerId} was erased: event ${eventId} carries personal data (${paths.join(', ')}) that can no longer be kept; send it without those fields`);
    this.eventId = eventId;
    this.issues = paths.map((path) => ({ path, message: 'personal data of an erased customer' }));
  }
}

/** A sealed value has no key at all (not a destroyed one): the key store is not the one that sealed this log. */
export class KeyMissingError extends RocLedgerError {
  constructor(keyId: string, eventId: string) {
    super(PrivacyErrorCode.keyMissing, `no key ${keyId} in the key store for sealed data of event ${eventId}: is the key store the one this ledger was written with?`);
  }
}

/** A sealed value does not open under its key: it was altered. */
export class SealBrokenError extends RocLedgerError {
  constructor(eventId: string, path: string) {
    super(PrivacyErrorCode.sealBroken, `sealed value at ${path} of event ${eventId} fails authentication: it was altered`);
  }
}

/**
 * A secret of the ledger's own in the key store (not a customer's key) was destroyed: the ledger
 * cannot give new customers named by an identifier an id. Retriable: the event is not at fault
 * (Kafka ingest must not dead-letter it), and is stored once the entry is restored.
 */
export class LedgerSecretDestroyedError extends RocLedgerError {
  constructor(keyId: string) {
    super(PrivacyErrorCode.ledgerSecretDestroyed, `the key store marks the ledger's secret ${keyId} destroyed: new customers named by an identifier cannot be given an id; restore the key store's entry ${keyId} from its backup`, { retriable: true });
  }
}
