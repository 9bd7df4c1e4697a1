export { getSqliteEventStore, type SqliteEventStoreOptions } from './eventStore/getSqliteEventStore.ts';
export { BUSY_TIMEOUT_MS, isSqliteBusy, openSqliteFile, type SqliteFileOptions } from './file/openSqliteFile.ts';
export { createPrivateFile, makePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, readableByOthers } from './file/privateFiles.ts';
