import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyVersionEventSchema } from '@roc-ledger/events';
import type { Ingestor } from '@roc-ledger/ingest';
import { toProblem } from '../plugins/problems.ts';
import { acceptedEvent, AcceptedEvent, BatchResult, problemResponses } from './schemas.ts';

export interface EventRoutesOptions {
  readonly ingestor: Ingestor;
  readonly maxBatch: number;
}

/** The batch body as documented; its items are validated one by one, so that each is accepted or rejected on its own. */
export const batchBodySchema = (maxBatch: number) =>
  z.object({ events: z.array(anyVersionEventSchema).min(1).max(maxBatch) }).meta({ id: 'EventBatch' });

const idOf = (raw: unknown) => (typeof (raw as { eventId?: unknown })?.eventId === 'string' ? (raw as { eventId: string }).eventId : undefined);

export const eventRoutes = (app: FastifyInstance, { ingestor, maxBatch }: EventRoutesOptions, batchSchema: z.ZodType): void => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.post(
    '/v1/events',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['ingest'],
        summary: 'Publish one event',
        description: 'Stores the event once. A retry with the same eventId and content answers 200 with the original position.',
        security: [{ apiKey: [] }, { bearer: [] }],
        body: anyVersionEventSchema,
        response: { 201: AcceptedEvent, 200: AcceptedEvent, ...problemResponses(400, 401, 403, 409, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const result = await ingestor.ingest(request.body, { allowedChannels: request.principal!.channels });
      return reply.code(result.duplicate ? 200 : 201).send(acceptedEvent(result));
    },
  );

  routes.post(
    '/v1/events/batch',
    {
      config: { scope: 'ingest' },
      schema: {
        tags: ['ingest'],
        summary: `Publish up to ${maxBatch} events`,
        description: 'Each event is accepted or rejected on its own; the response has one result per item, in order.',
        security: [{ apiKey: [] }, { bearer: [] }],
        body: batchSchema,
        response: { 200: BatchResult, ...problemResponses(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const items = (request.body as { events: unknown[] }).events;
      const allowedChannels = request.principal!.channels;
      // Started in order, so events naming the same customer are decided in order.
      const outcomes = await Promise.allSettled(items.map((raw) => ingestor.ingest(raw, { allowedChannels })));
      const results = outcomes.map((outcome, index): z.infer<typeof BatchResult>['results'][number] => {
        if (outcome.status === 'fulfilled') {
          const result = acceptedEvent(outcome.value);
          return { index, status: result.duplicate ? 200 : 201, eventId: result.eventId, result };
        }
        const problem = toProblem(outcome.reason);
        if (problem.status >= 500) throw outcome.reason;
        const eventId = idOf(items[index]);
        return { index, status: problem.status, ...(eventId ? { eventId } : {}), problem };
      });
      return {
        accepted: results.filter((r) => r.status === 201).length,
        duplicates: results.filter((r) => r.status === 200).length,
        rejected: results.filter((r) => r.status >= 400).length,
        results,
      };
    },
  );
};
