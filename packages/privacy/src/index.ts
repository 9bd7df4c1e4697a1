export * from './errors.ts';
export { eraseCustomer, reapplyErasures, type EraseDependencies, type ErasureBasis, type ErasureRequest, type ErasureResult } from './erase.ts';
export { getFileKeyStore, type FileKeyStoreOptions } from './fileKeyStore.ts';
export { createPersonalDataGuard } from './guard.ts';
export { CUSTOMER_ID_KEY_ID, customerIdKey } from './customerIdKey.ts';
export type { KeyState, KeyStore } from './keyStore.ts';
export { isSealed } from './sealing.ts';
export { openAccessLog, type AccessEntry, type AccessLog, type AccessLogVerification, type AccessQuery, type RecordedAccess } from './accessLog.ts';
