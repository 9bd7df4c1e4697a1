import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { KnownAtPreparation } from '@roc-ledger/customer-equity';
import { minorUnitDigits } from '@roc-ledger/events';
import type { ChainMonitor, EventStore } from '@roc-ledger/ledger';
import type { ProjectionRuntime } from '@roc-ledger/projections';
import type { IngestTally } from '../ingestTally.ts';
import { ProjectionStatus } from './projections.ts';
import { problemResponses } from './schemas.ts';

const security: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const Counts = z.record(z.string(), z.number());

const LedgerHealth = z
  .object({
    head: z.object({ position: z.int(), hash: z.string(), recordedAt: z.string().nullable() }).describe("The chain's head: what `roc-ledger digest` prints."),
    chain: z
      .object({
        ok: z.boolean(),
        checked: z.int(),
        head: z.object({ position: z.int(), hash: z.string() }),
        failure: z.object({ position: z.int(), kind: z.string(), reason: z.string() }).optional(),
        startedAt: z.string(),
        finishedAt: z.string(),
        durationMs: z.number(),
        against: z.object({ position: z.int(), hash: z.string() }).nullable().describe('The head of the previous good walk, proven still in the log unchanged.'),
      })
      .nullable()
      .describe('The latest scheduled walk of the chain; null until the first one ends.'),
    projections: z.array(ProjectionStatus),
    ingest: z.object({
      since: z.string(),
      accepted: z.record(z.string(), z.object({ stored: z.int(), duplicates: z.int() })).describe('By channel.'),
      rejected: z.record(z.string(), Counts).describe('By channel, then error code.'),
    }),
    kafka: z
      .object({ stored: z.int(), duplicates: z.int(), deadLettered: z.int(), deadLetterTopic: z.int().nullable().describe('Messages on the dead-letter topic now; null when the broker could not be asked.') })
      .nullable()
      .describe('With serve --kafka: the consumer since start, and the dead-letter topic.'),
    knownAt: z
      .object({
        started: z.boolean().describe("False until the first preparation has counted the stops (it follows a start's backfill, first equity series and chain walk); until then stops and kept are 0."),
        stops: z.int(),
        kept: z.int(),
        running: z.boolean(),
      })
      .nullable()
      .describe('The monthly equity series as known at each month end, prepared in the background for the dashboard: how many of the stops are kept.'),
  })
  .meta({ id: 'LedgerHealth' });

/** The Kafka consumer's counters since this process started, when it consumes the channel topics. */
export type KafkaCounts = () => { stored: number; duplicates: number; deadLettered: number };
/** Messages on the dead-letter topic now, by every consumer since it was created. */
export type DeadLetterTopicCount = () => Promise<number>;
/** How far the series as known at each month end are prepared (KnownAtPreparer.progress). */
export type KnownAtProgress = () => KnownAtPreparation;

export interface LedgerRouteOptions {
  readonly store: EventStore;
  readonly reportingCurrency: string;
  readonly runtime?: ProjectionRuntime;
  readonly chain?: ChainMonitor;
  readonly tally: IngestTally;
  readonly kafka?: KafkaCounts;
  readonly deadLetterTopic?: DeadLetterTopicCount;
  readonly knownAt?: KnownAtProgress;
}

/** What the ledger-health page shows (scope read): activity by month, and the service's health. */
export const ledgerRoutes = (app: FastifyInstance, { store, reportingCurrency, runtime, chain, tally, kafka, deadLetterTopic, knownAt }: LedgerRouteOptions): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/ledger',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['ledger'],
        summary: "The ledger's settings fixed at its creation: its reporting currency",
        description: "Money in events is in the reporting currency's minor units (`minor`); equity, cash flow and other figures the API computes are in its major units. `minorUnitDigits` is how many digits the minor unit has (2 for EUR, 0 for JPY).",
        security,
        response: { 200: z.object({ reportingCurrency: z.string(), minorUnitDigits: z.int() }).meta({ id: 'LedgerSettings' }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ reportingCurrency, minorUnitDigits: minorUnitDigits(reportingCurrency) }),
  );
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
        response: { 200: LedgerHealth, ...problemResponses(401, 403) },
      },
    },
    async () => ({
      head: await store.head(),
      chain: chain?.latest() ?? null,
      projections: runtime ? await runtime.status() : [],
      ingest: tally.counts(),
      kafka: kafka ? { ...kafka(), deadLetterTopic: deadLetterTopic ? await deadLetterTopic().catch(() => null) : null } : null,
      knownAt: knownAt ? knownAt() : null,
    }),
  );
};
