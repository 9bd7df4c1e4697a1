import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import type { Ingestor } from '@roc-ledger/ingest';
import type { ChainMonitor, EventStore } from '@roc-ledger/ledger';
import type { KafkaCounts } from './routes/ledger.ts';
import type { StoreTimings } from './storeTimings.ts';
import type { ProjectionRuntime, ProjectionStatusReport } from '@roc-ledger/projections';

export interface MetricsSources {
  /** Absent in a process that does not ingest (a projector). */
  readonly ingestor?: Ingestor;
  readonly store: EventStore;
  readonly runtime?: ProjectionRuntime;
  /** The Kafka consumer's counters, when this process consumes the channel topics. */
  readonly kafka?: KafkaCounts;
  /** The scheduled chain verification. */
  readonly chain?: ChainMonitor;
  /** This process is a sharded projector instance: how many shards it holds. */
  readonly shards?: boolean;
  /** Latency of the stores' calls, when the stores were wrapped with them (timedEventStore, timedReadModels). */
  readonly timings?: StoreTimings;
}

/**
 * The Prometheus metrics of a service: ingestion by channel and outcome, refusals by code, the
 * time from receipt to durable append, the log's head, each projection's lag, Kafka dead letters,
 * and the process's own (CPU, memory, event-loop lag, GC).
 */
export const createMetrics = (sources: MetricsSources): client.Registry => {
  const registers = [new client.Registry()];
  const [registry] = registers as [client.Registry];
  client.collectDefaultMetrics({ register: registry, prefix: 'roc_ledger_' });
  if (sources.timings) for (const histogram of Object.values(sources.timings)) registry.registerMetric(histogram);

  const ingested = new client.Counter({ name: 'roc_ledger_ingested_events_total', help: 'Events accepted (HTTP, Kafka, CLI import), by channel; outcome stored or duplicate (an idempotent repeat).', labelNames: ['channel', 'outcome'], registers });
  const rejected = new client.Counter({ name: 'roc_ledger_rejected_events_total', help: 'Events refused, by channel and error code (docs/errors.md).', labelNames: ['channel', 'code'], registers });
  const duration = new client.Histogram({
    name: 'roc_ledger_ingest_duration_seconds',
    help: 'From an event received to stored durably: validation, identity resolution, sealing, append and fsync.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  sources.ingestor?.observe({
    ingested: ({ channel, duplicate, seconds }) => {
      ingested.inc({ channel, outcome: duplicate ? 'duplicate' : 'stored' });
      duration.observe(seconds);
    },
    rejected: ({ channel, code }) => rejected.inc({ channel, code }),
  });

  new client.Gauge({
    name: 'roc_ledger_log_head_position',
    help: 'Global position of the last event in the log.',
    registers,
    async collect() {
      this.set((await sources.store.head()).position);
    },
  });
  const { runtime, kafka, chain } = sources;
  if (runtime && sources.shards) {
    new client.Gauge({
      name: 'roc_ledger_projector_shards_held',
      help: 'Shards this projector instance folds now (it holds their leases).',
      registers,
      collect() {
        this.set(runtime.heldShards.length);
      },
    });
  }
  if (chain) {
    new client.Gauge({
      name: 'roc_ledger_chain_verified',
      help: "1 when the latest scheduled walk of the hash chain checked out, 0 when it named a bad position; absent before the first walk ends.",
      registers,
      collect() {
        this.reset();
        const check = chain.latest();
        if (check) this.set(check.ok ? 1 : 0);
      },
    });
  }
  if (runtime) {
    // The three gauges are collected concurrently on each scrape: they share one status read.
    let statuses: { at: number; read: Promise<ProjectionStatusReport[]> } | undefined;
    const status = () => {
      if (!statuses || performance.now() - statuses.at > 250) statuses = { at: performance.now(), read: runtime.status() };
      return statuses.read;
    };
    const projectionGauge = (name: string, help: string, value: (s: ProjectionStatusReport) => number) =>
      new client.Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers,
        async collect() {
          this.reset();
          for (const s of await status()) this.set({ projection: s.key }, value(s));
        },
      });
    projectionGauge('roc_ledger_projection_lag_events', "Events in the log not yet in a projection version's committed state.", (s) => s.lagEvents);
    projectionGauge('roc_ledger_projection_lag_seconds', "Transaction time between the log's head and a projection version's checkpoint.", (s) => s.lagMs / 1000);
    projectionGauge('roc_ledger_projection_failed', '1 for a projection version stopped by a handler error (its row in GET /v1/projections says why).', (s) => (s.status === 'failed' ? 1 : 0));
  }
  if (kafka) {
    new client.Gauge({
      name: 'roc_ledger_kafka_dead_lettered_events',
      help: 'Messages this consumer sent to the dead-letter topic since it started.',
      registers,
      collect() {
        this.set(kafka().deadLettered);
      },
    });
  }
  return registry;
};

/** GET /metrics in the Prometheus text format. Unauthenticated, like the health checks: keep it on an internal network. */
export const metricsRoute = (app: FastifyInstance, registry: client.Registry): void => {
  app.get('/metrics', { schema: { hide: true } as never }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
};
