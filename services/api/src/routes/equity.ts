import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { querySeries, type EquityTracker } from '@roc-ledger/customer-equity';
import type { EventStore } from '@roc-ledger/ledger';
import { Instant, problemResponses, toInstant } from './schemas.ts';

const security: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];

const SeriesQuery = z.object({
  period: z.enum(['week', 'month', 'quarter']).default('month'),
  from: Instant.optional().describe('Periods starting on or after.'),
  to: Instant.optional().describe('Periods starting on or before.'),
  segment: z.enum(['acquisition-channel', 'main-channel', 'trust-band']).optional(),
  trustAdjustment: z.coerce.number().positive().max(1).optional().describe("Adjust each customer's expected purchases by trust score: × (1 + strength × (score − 50) / 50). Off unless given."),
  asOf: Instant.optional().describe('Valid time: the series as things had happened by then.'),
  knownAt: Instant.optional().describe('Transaction time: the series as the ledger believed it then, before anything recorded later.'),
  pinModelsAt: Instant.optional().describe('Value every period with the models fitted on the history up to then (a pinned model version) instead of refitting at each period end.'),
});

const SeriesAnswer = z
  .object({
    period: z.enum(['week', 'month', 'quarter']),
    source: z.enum(['tracked', 'computed']).describe('tracked: the series the service keeps current; computed: from the log for this query'),
    segment: z.string().nullable(),
    points: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'EquitySeries' });

/** Customer equity, ROC and restatements (scope read). */
export const equityRoutes = (app: FastifyInstance, { store, tracker }: { store: EventStore; tracker: EquityTracker }): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const [path, summary] of [
    ['/v1/equity', 'Customer equity at each period end, in total or by segment'],
    ['/v1/roc', 'Return on Customer per period: (cash flow + CE(end) − CE(start)) / CE(start)'],
  ] as const) {
    typed.get(
      path,
      { config: { scope: 'read' }, schema: { tags: ['equity'], summary, security, querystring: SeriesQuery, response: { 200: SeriesAnswer, ...problemResponses(400, 401, 403) } } },
      async (request) => {
        const q = request.query;
        return querySeries(store, tracker, {
          period: q.period,
          ...(q.from ? { from: toInstant(q.from)! } : {}),
          ...(q.to ? { to: toInstant(q.to)! } : {}),
          ...(q.asOf ? { asOf: toInstant(q.asOf)! } : {}),
          ...(q.knownAt ? { knownAt: toInstant(q.knownAt)! } : {}),
          ...(q.segment ? { segment: q.segment } : {}),
          ...(q.pinModelsAt ? { pinModelsAt: toInstant(q.pinModelsAt)! } : {}),
          ...(q.trustAdjustment !== undefined ? { trustAdjustment: q.trustAdjustment } : {}),
        }) as unknown as z.infer<typeof SeriesAnswer>;
      },
    );
  }
  typed.get(
    '/v1/restatements',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['equity'],
        summary: 'Past figures restated as late events arrived: old and new figures and the events that caused them',
        security,
        response: { 200: z.object({ period: z.string(), restatements: z.array(z.record(z.string(), z.unknown())) }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ period: tracker.period, restatements: tracker.restatements() as unknown as Record<string, unknown>[] }),
  );
};
