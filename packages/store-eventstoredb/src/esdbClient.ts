import {
  EventStoreDBClient,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type ReadStreamOptions,
  type ResolvedEvent,
  type SubscribeToStreamOptions,
} from '@eventstore/db-client';

/**
 * The part of @eventstore/db-client's client the store uses. EventStoreDBClient satisfies it as
 * it is; naming the subset lets the mapping tests run on recorded results without a server.
 */
export interface EsdbClient {
  appendToStream(streamName: string, events: EventData[], options?: AppendToStreamOptions): Promise<AppendResult>;
  readStream(streamName: string, options?: ReadStreamOptions): AsyncIterable<ResolvedEvent>;
  subscribeToStream(streamName: string, options?: SubscribeToStreamOptions): AsyncIterable<ResolvedEvent> & { unsubscribe(): Promise<void> };
  dispose(): Promise<void>;
}

/** A client for a connection string such as `esdb://localhost:2113?tls=false` (KurrentDB takes `kurrentdb://` too). */
export const connectEventStoreDb = (connectionString: string): EsdbClient =>
  EventStoreDBClient.connectionString(connectionString.replace(/^kurrent(db)?(\+discover)?:\/\//, (_m, _db, discover) => `esdb${discover ?? ''}://`));
