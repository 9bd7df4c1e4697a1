export { getSqliteEventStore, type SqliteEventStoreOptions } from './eventStore/getSqliteEventStore.ts';
export { BUSY_TIMEOUT_MS, isSqliteBusy, openSqliteFile, type SqliteFileOptions } from './file/openSqliteFile.ts';
