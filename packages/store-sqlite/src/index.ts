export { getSqliteEventStore, type SqliteEventStoreOptions } from './eventStore/getSqliteEventStore.ts';
