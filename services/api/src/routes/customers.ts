import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseCustomerRef } from '@roc-ledger/identity';
import { customerHistory, type Ingestor } from '@roc-ledger/ingest';
import type { EventStore } from '@roc-ledger/ledger';
import { ApiErrorCode, HttpError } from '../errors.ts';
import { CustomerHistoryResponse, Instant, problemResponses, toInstant } from './schemas.ts';


export const customerRoutes = (app: FastifyInstance, { store, ingestor }: { store: EventStore; ingestor: Ingestor }): void => {
  for (const path of ['/v1/customers/:customer/events', '/v1/customers/:customer/history'])
  app.withTypeProvider<ZodTypeProvider>().get(
    path,
    {
      config: { scope: 'read', personalData: true },
      schema: {
        tags: ['query'],
        summary: path.endsWith('/events') ? "One customer's events by valid time (the same as /history)" : "One customer's events by valid time",
        description: 'Cut by valid time (asOf) and by transaction time (knownAt): the history as it had happened, as the ledger knew it.',
        security: [{ apiKey: [] }, { bearer: [] }],
        params: z.object({ customer: z.string().min(1).describe('A customer id, or <kind>:<value> such as email:ana@example.com') }),
        querystring: z.object({
          asOf: Instant.optional(),
          knownAt: Instant.optional(),
          order: z.enum(['asc', 'desc']).default('asc').describe('By valid time: oldest first (asc) or newest first (desc).'),
          offset: z.coerce.number().int().min(0).default(0).describe('Events to skip, in that order.'),
          limit: z.coerce.number().int().min(1).max(5000).optional().describe('At most this many events (a page); all without it.'),
        }),
        response: { 200: CustomerHistoryResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { asOf, knownAt, order, offset, limit } = request.query;
      const history = await customerHistory(store, ingestor.resolver, parseCustomerRef(request.params.customer), {
        ...(asOf ? { asOf: toInstant(asOf)! } : {}),
        ...(knownAt ? { knownAt: toInstant(knownAt)! } : {}),
      });
      if (!history) throw new HttpError(404, ApiErrorCode.notFound, `no customer ${request.params.customer}`);
      const ordered = order === 'desc' ? [...history.events].reverse() : history.events;
      const page = ordered.slice(offset, limit === undefined ? undefined : offset + limit);
      return { customerId: history.customerId, total: history.total, matched: history.events.length, offset, events: page as unknown as Record<string, unknown>[] };
    },
  );
};
