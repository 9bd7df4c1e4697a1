import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PERIOD_UNITS } from '@roc-ledger/clv';
import { querySeries, type EquityTracker } from '@roc-ledger/customer-equity';
import type { EventStore } from '@roc-ledger/ledger';
import { parseCustomerRef } from '@roc-ledger/identity';
import type { Ingestor } from '@roc-ledger/ingest';
import { ApiErrorCode, HttpError } from '../errors.ts';
import { Instant, problemResponses, toInstant } from './schemas.ts';

const security: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];

const SeriesQuery = z.object({
  period: z.enum(PERIOD_UNITS).default('month'),
  from: Instant.optional().describe('Periods starting on or after.'),
  to: Instant.optional().describe('Periods starting on or before.'),
  segment: z.enum(['acquisition-channel', 'main-channel', 'trust-band']).optional(),
  trustAdjustment: z.coerce.number().positive().max(1).optional().describe("Adjust each customer's expected purchases by trust score: × (1 + strength × (score − 50) / 50). Off unless given."),
  asOf: Instant.optional().describe('Valid time: the series as things had happened by then.'),
  knownAt: Instant.optional().describe('Transaction time: the series as the ledger believed it then, before anything recorded later.'),
  pinModelsAt: Instant.optional().describe('Value every period with the models fitted on the history up to then (a pinned model version) instead of refitting at each period end.'),
});

/** Every money figure of an answer is in the major units of the ledger's reporting currency, which the answer names. */
const Currency = z.string().describe("The ledger's reporting currency (ISO 4217): money figures are in its major units.");

const SeriesAnswer = z
  .object({
    currency: Currency,
    period: z.enum(PERIOD_UNITS),
    source: z.enum(['tracked', 'computed', 'kept']).describe('tracked: the series the service keeps current; computed: from the log for this query; kept: computed before for this knownAt, which lies before the head and so can no longer change'),
    segment: z.string().nullable(),
    points: z.array(z.record(z.string(), z.unknown())),
  })
  .meta({ id: 'EquitySeries' });

/** Customer equity, ROC and restatements (scope read). */
export const equityRoutes = (app: FastifyInstance, { store, tracker, ingestor, currency }: { store: EventStore; tracker: EquityTracker; ingestor: Ingestor; currency: string }): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/customers/:customer/equity',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['equity'],
        summary: "One customer's own equity (discounted expected future value) at each period end",
        security,
        params: z.object({ customer: z.string().min(1).describe('A customer id, or <kind>:<value>') }),
        querystring: SeriesQuery.pick({ period: true, asOf: true, knownAt: true, pinModelsAt: true, trustAdjustment: true }),
        response: { 200: z.object({ customerId: z.string(), currency: Currency, period: z.string(), points: z.array(z.object({ period: z.string(), end: z.string(), equity: z.number().nullable() })) }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const ref = parseCustomerRef(request.params.customer);
      const resolver = ingestor.resolver;
      const customerId = resolver.resolve(ref);
      if (customerId === undefined) throw new HttpError(404, ApiErrorCode.notFound, `no customer ${request.params.customer}`);
      const q = request.query;
      const answer = await querySeries(store, tracker, {
        period: q.period,
        customers: [customerId],
        ...(q.asOf ? { asOf: toInstant(q.asOf)! } : {}),
        ...(q.knownAt ? { knownAt: toInstant(q.knownAt)! } : {}),
        ...(q.pinModelsAt ? { pinModelsAt: toInstant(q.pinModelsAt)! } : {}),
        ...(q.trustAdjustment !== undefined ? { trustAdjustment: q.trustAdjustment } : {}),
      });
      return { customerId, currency, period: answer.period, points: answer.points.map((p) => ({ period: p.period, end: p.end, equity: p.customerEquity?.[customerId] ?? null })) };
    },
  );
  for (const [path, summary] of [
    ['/v1/equity', 'Customer equity at each period end, in total or by segment'],
    ['/v1/roc', 'Return on Customer per period: (cash flow + CE(end) − CE(start)) / CE(start)'],
  ] as const) {
    typed.get(
      path,
      { config: { scope: 'read' }, schema: { tags: ['equity'], summary, security, querystring: SeriesQuery, response: { 200: SeriesAnswer, ...problemResponses(400, 401, 403) } } },
      async (request) => {
        const q = request.query;
        const answer = await querySeries(store, tracker, {
          period: q.period,
          ...(q.from ? { from: toInstant(q.from)! } : {}),
          ...(q.to ? { to: toInstant(q.to)! } : {}),
          ...(q.asOf ? { asOf: toInstant(q.asOf)! } : {}),
          ...(q.knownAt ? { knownAt: toInstant(q.knownAt)! } : {}),
          ...(q.segment ? { segment: q.segment } : {}),
          ...(q.pinModelsAt ? { pinModelsAt: toInstant(q.pinModelsAt)! } : {}),
          ...(q.trustAdjustment !== undefined ? { trustAdjustment: q.trustAdjustment } : {}),
        });
        return { currency, ...answer } as unknown as z.infer<typeof SeriesAnswer>;
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
        response: { 200: z.object({ currency: Currency, period: z.string(), restatements: z.array(z.record(z.string(), z.unknown())) }), ...problemResponses(401, 403) },
      },
    },
    async () => ({ currency, period: tracker.period, restatements: tracker.restatements() as unknown as Record<string, unknown>[] }),
  );
};
