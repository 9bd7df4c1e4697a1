export { connectEventStoreDb, type EsdbClient } from './esdbClient.ts';
export { getEventStoreDbEventStore, type EventStoreDbStoreOptions } from './getEventStoreDbEventStore.ts';
export { LOG_STREAM } from './mapping.ts';
