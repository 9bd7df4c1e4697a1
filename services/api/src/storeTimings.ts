import client from 'prom-client';
import type { EventStore } from '@roc-ledger/ledger';
import type { ReadModelStore } from '@roc-ledger/projections';

/** Latency histograms of the stores a service uses; createMetrics registers them. */
export interface StoreTimings {
  readonly eventStore: client.Histogram<'operation'>;
  readonly readModels: client.Histogram<'operation'>;
}

const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export const createStoreTimings = (): StoreTimings => ({
  eventStore: new client.Histogram({
    name: 'roc_ledger_event_store_duration_seconds',
    help: 'Event-store calls: append (durable: its group commit and fsync included), readStream, head.',
    labelNames: ['operation'],
    buckets: BUCKETS,
    registers: [],
  }),
  readModels: new client.Histogram({
    name: 'roc_ledger_read_model_duration_seconds',
    help: "Read-model store calls: commit (a projection's states and checkpoint in one transaction), load (one partition's state).",
    labelNames: ['operation'],
    buckets: BUCKETS,
    registers: [],
  }),
});

const timed = <A extends unknown[], R>(histogram: client.Histogram<'operation'>, operation: string, call: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    const end = histogram.startTimer({ operation });
    try {
      return await call(...args);
    } finally {
      end();
    }
  };

/** The store with its append, readStream and head calls timed; everything else as it is. */
export const timedEventStore = (store: EventStore, timings: StoreTimings): EventStore => ({
  ...store,
  append: timed(timings.eventStore, 'append', store.append.bind(store)),
  readStream: timed(timings.eventStore, 'readStream', store.readStream.bind(store)),
  head: timed(timings.eventStore, 'head', store.head.bind(store)),
});

/** The read models with commit and load timed; a sharded store stays sharded (its other members are kept). */
export const timedReadModels = <S extends ReadModelStore>(readModels: S, timings: StoreTimings): S => ({
  ...readModels,
  commit: timed(timings.readModels, 'commit', readModels.commit.bind(readModels)),
  load: timed(timings.readModels, 'load', readModels.load.bind(readModels)),
});
