export { getSqliteEventStore, type SqliteEventStoreOptions } from './eventStore/getSqliteEventStore.ts';
export { isSqliteBusy, openSqliteFile, type SqliteFileOptions } from './file/openSqliteFile.ts';
