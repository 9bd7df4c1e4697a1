import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { anyVersionEventSchema, EVENT_TYPES } from '@roc-ledger/events';
import type { Ingestor } from '@roc-ledger/ingest';
import { readWithheld, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { toProblem } from '../plugins/problems.ts';
import { acceptedEvent, AcceptedEvent, BatchResult, Instant, problemResponses, toInstant } from './schemas.ts';

export interface EventRoutesOptions {
  readonly store: EventStore;
  readonly ingestor: Ingestor;
  readonly maxBatch: number;
}

/** The batch body as documented; its items are validated one by one, so that each is accepted or rejected on its own. */
export const batchBodySchema = (maxBatch: number) =>
  z.object({ events: z.array(anyVersionEventSchema).min(1).max(maxBatch) }).meta({ id: 'EventBatch' });

/** Comma-separated event types of the catalogue, each named when it is not one. */
const TypeList = z
  .string()
  .transform((text) => [...new Set(text.split(',').map((type) => type.trim()).filter(Boolean))])
  .pipe(z.array(z.enum(EVENT_TYPES, { error: (issue) => `${String(issue.input)} is not an event type of the catalogue` })).min(1, 'name at least one event type'))
  .describe('Only these event types, comma-separated (PurchaseMade,RefundIssued).');

const LogPage = z
  .object({
    events: z.array(z.record(z.string(), z.unknown())).describe('Events in log order, upcast to their types\' current schema versions, with their ledger fields; every personal value reads [withheld].'),
    next: z.int().describe('What to pass as `after` for the next page: the last event\'s position, or the head\'s once this page reached it.'),
    head: z.int().describe('The last position stored when the page was read.'),
    caughtUp: z.boolean().describe('True when this page reached the head: ask again later from `next` for what is appended meanwhile.'),
  })
  .meta({ id: 'LogPage' });

const idOf = (raw: unknown) => (typeof (raw as { eventId?: unknown })?.eventId === 'string' ? (raw as { eventId: string }).eventId : undefined);

export const eventRoutes = (app: FastifyInstance, { store, ingestor, maxBatch }: EventRoutesOptions, batchSchema: z.ZodType): void => {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  routes.get(
    '/v1/events',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['query'],
        summary: 'The log, a page at a time, without personal data',
        description:
          'Events after a position, in log order, of the types and in the cut asked for, each personal value withheld: for a warehouse or another service that follows the log (`after` = the previous page\'s `next`). `roc-ledger export` writes the same to a file.',
        security: [{ apiKey: [] }, { bearer: [] }],
        querystring: z.object({
          after: z.coerce.number().int().min(0).default(0).describe('Events after this position (0: from the first).'),
          limit: z.coerce.number().int().min(1).max(5000).default(1000).describe('At most this many events.'),
          types: TypeList.optional(),
          asOf: Instant.optional().describe('Only events that happened by then (valid time).'),
          knownAt: Instant.optional().describe('Only events the ledger had recorded by then (transaction time).'),
        }),
        response: { 200: LogPage, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { after, limit, types, asOf, knownAt } = request.query;
      const head = (await store.head()).position;
      const events: RecordedEvent[] = [];
      const read = readWithheld(store, { after, through: head, ...(types ? { types } : {}), cut: { ...(asOf ? { asOf: toInstant(asOf)! } : {}), ...(knownAt ? { knownAt: toInstant(knownAt)! } : {}) } });
      for await (const event of read) {
        events.push(event);
        if (events.length === limit) break;
      }
      const full = events.length === limit && events.at(-1)!.globalPosition < head;
      const next = full ? events.at(-1)!.globalPosition : Math.max(after, head);
      return { events: events as unknown as Record<string, unknown>[], next, head, caughtUp: !full };
    },
  );

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
