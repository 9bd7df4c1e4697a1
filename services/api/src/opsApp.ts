import Fastify, { type FastifyInstance } from 'fastify';
import type { EventStore } from '@roc-ledger/ledger';
import type { Registry } from 'prom-client';
import { metricsRoute } from './metrics.ts';
import { healthRoutes } from './routes/health.ts';

export interface OpsAppOptions {
  readonly store: EventStore;
  readonly metrics: Registry;
  readonly logger?: boolean;
}

/**
 * The HTTP face of a service role with no API of its own (Kafka ingest, projector): liveness,
 * readiness and Prometheus metrics, unauthenticated, for the orchestrator and the scraper.
 */
export const buildOpsApp = async (options: OpsAppOptions): Promise<FastifyInstance & { markShuttingDown(): void }> => {
  let shuttingDown = false;
  const app = Fastify({ logger: options.logger ?? false, return503OnClosing: false });
  healthRoutes(app, { store: options.store, isShuttingDown: () => shuttingDown });
  metricsRoute(app, options.metrics);
  await app.ready();
  return Object.assign(app, {
    markShuttingDown: () => {
      shuttingDown = true;
    },
  }) as FastifyInstance & { markShuttingDown(): void };
};
