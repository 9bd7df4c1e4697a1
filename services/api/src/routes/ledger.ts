import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChainMonitor, EventStore } from '@roc-ledger/ledger';
import type { ProjectionRuntime } from '@roc-ledger/projections';
import type { IngestTally } from '../ingestTally.ts';
import { problemResponses } from './schemas.ts';

const security: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const Counts = z.record(z.string(), z.number());

/** The Kafka consumer's counters, when this process consumes the channel topics. */
export type KafkaCounts = () => { stored: number; duplicates: number; deadLettered: number };

export interface LedgerRouteOptions {
  readonly store: EventStore;
  readonly runtime?: ProjectionRuntime;
  readonly chain?: ChainMonitor;
  readonly tally: IngestTally;
  readonly kafka?: KafkaCounts;
}

/** What the ledger-health page shows (scope read): activity by month, and the service's health. */
export const ledgerRoutes = (app: FastifyInstance, { store, runtime, chain, tally, kafka }: LedgerRouteOptions): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  if (runtime) {
    typed.get(
      '/v1/ledger/activity',
      {
        config: { scope: 'read' },
        schema: {
          tags: ['ledger'],
          summary: 'Events recorded per month (transaction time, UTC), by channel and by type, and late arrivals',
          description: 'From the ledger-activity projection: one row per month with events, aggregated as they are folded, so the answer does not grow with the number of customers.',
          security,
          querystring: z.object({ from: Month.optional().describe('First month, YYYY-MM'), to: Month.optional().describe('Last month, YYYY-MM') }),
          response: {
            200: z.object({ months: z.array(z.object({ month: z.string(), events: z.number(), late: z.number(), byChannel: Counts, byType: Counts })) }),
            ...problemResponses(400, 401, 403),
          },
        },
      },
      async (request) => {
        const { from = '0000-00', to = '9999-99' } = request.query;
        const months = [];
        for await (const { partition, state } of runtime.partitions('ledger-activity')) {
          if (partition >= from && partition <= to) months.push({ month: partition, ...(state as { events: number; late: number; byChannel: Record<string, number>; byType: Record<string, number> }) });
        }
        return { months };
      },
    );
  }
  typed.get(
    '/v1/ledger/health',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['ledger'],
        summary: "The chain's head and latest verification, projection lag, and what this process ingested, refused and dead-lettered since it started",
        security,
        response: { 200: z.record(z.string(), z.unknown()), ...problemResponses(401, 403) },
      },
    },
    async () => ({
      head: await store.head(),
      chain: chain?.latest() ?? null,
      projections: runtime ? await runtime.status() : [],
      ingest: tally.counts(),
      kafka: kafka ? kafka() : null,
    }),
  );
};
