import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Ingestor } from '@roc-ledger/ingest';
import { parseCustomerRef, type IdentityResolver } from '@roc-ledger/identity';
import { loadProjectionModule, ProjectionNotRemovableError, UnknownProjectionError, type ProjectionRuntime, type ReadModelStore } from '@roc-ledger/projections';
import { ApiErrorCode, HttpError } from '../errors.ts';
import { Instant, problemResponses, toInstant } from './schemas.ts';

const security: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];
const CustomerParam = z.object({ customer: z.string().min(1).describe('A customer id, or <kind>:<value> such as email:ana@example.com') });
const Cut = z.object({
  asOf: Instant.optional().describe('Valid time: the answer as things stood then (time-dependent figures are computed for it).'),
  knownAt: Instant.optional().describe('Transaction time: only what the ledger had recorded by then.'),
});

export const QueryAnswer = z
  .object({
    projection: z.string().describe('name@version that answered'),
    partition: z.string().describe('The canonical customer id, for per-customer projections'),
    at: z.string().describe('The valid time the answer is for'),
    source: z.enum(['stored', 'replayed']).describe('stored: the kept state, proven identical to a replay of the cut; replayed: folded from the log for this cut'),
    position: z.int().describe("The projection's checkpoint"),
    result: z.unknown(),
  })
  .meta({ id: 'QueryAnswer' });

export const ProjectionStatus = z.object({
  key: z.string(),
  name: z.string(),
  version: z.int(),
  position: z.int(),
  recordedAt: z.string().nullable(),
  status: z.enum(['building', 'live', 'failed']),
  active: z.boolean(),
  error: z.record(z.string(), z.unknown()).nullable(),
  updatedAt: z.string(),
  lagEvents: z.int(),
  lagMs: z.number(),
  running: z.boolean(),
  shards: z
    .array(
      z.object({
        index: z.int().describe('0-based; the shard of a partition is FNV-1a of its key modulo count'),
        count: z.int(),
        position: z.int().describe("The shard's own checkpoint"),
        recordedAt: z.string().nullable(),
        status: z.enum(['building', 'live', 'failed']),
        owner: z.string().nullable().describe('The projector instance holding the shard now; null when none does'),
      }),
    )
    .optional()
    .describe('With sharded projectors (serve --role projector --shards N): each shard; the row above sums them up'),
  definition: z
    .object({
      description: z.string().optional(),
      partitionBy: z.enum(['customer', 'global', 'custom']).describe("customer: one partition per canonical customer id; global: one partition, '*'; custom: the projection's own keys"),
      queries: z.array(z.string()).describe('Its queries, asked as ?query= on /v1/projections/:name/partitions/:partition (besides state)'),
    })
    .optional()
    .describe('What the projection says of itself, where this service has its definition'),
});

export interface ProjectionRouteOptions {
  readonly runtime: ProjectionRuntime;
  readonly readModels: ReadModelStore;
  readonly ingestor: Ingestor;
}

/** The customer a path names, as the identity resolver knows it now; 404 when nobody. */
const resolveCustomer = (resolver: IdentityResolver, text: string): string => {
  const ref = parseCustomerRef(text);
  const customerId = resolver.resolve(ref);
  if (customerId === undefined) throw new HttpError(404, ApiErrorCode.notFound, `no customer ${text}`);
  return customerId;
};

const cutOf = (query: { asOf?: string | undefined; knownAt?: string | undefined }) => ({
  ...(query.asOf ? { asOf: toInstant(query.asOf)! } : {}),
  ...(query.knownAt ? { knownAt: toInstant(query.knownAt)! } : {}),
});

/** Queries over projections (scope read), their status and lag, and registering analysts' modules (scope admin). */
export const projectionRoutes = (app: FastifyInstance, { runtime, readModels, ingestor }: ProjectionRouteOptions): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const customerQuery = (path: string, projection: string, query: string, summary: string, description: string, personalData: boolean) =>
    typed.get(
      path,
      {
        config: { scope: 'read', personalData },
        schema: { tags: ['query'], summary, description, security, params: CustomerParam, querystring: Cut, response: { 200: QueryAnswer, ...problemResponses(400, 401, 403, 404) } },
      },
      async (request: { params: z.infer<typeof CustomerParam>; query: z.infer<typeof Cut> }) => {
        const answer = await runtime.query(projection, resolveCustomer(ingestor.resolver, request.params.customer), { query, ...cutOf(request.query) });
        if (!answer) throw new HttpError(404, ApiErrorCode.notFound, `no ${projection} for ${request.params.customer} in this cut`);
        return answer;
      },
    );

  customerQuery('/v1/customers/:customer', 'customer-view', 'view', 'The single customer view', 'Identities (merged customers folded in), profile, consent, preferences, channels, purchases, promises, offers in the last 30 and 90 days, sentiment, voice, first and last seen.', true);
  customerQuery('/v1/customers/:customer/trust', 'trust-score', 'score', 'The trust score with its contributions', 'A score from 0 to 100 and every contribution to it: event id, type, date, rule, full effect, and the points it adds at the moment asked (decayed).', false);

  typed.get(
    '/v1/customers',
    {
      config: { scope: 'read', personalData: true },
      schema: {
        tags: ['query'],
        summary: 'Find a customer by an identifier',
        security,
        description: 'With asOf or knownAt, the identifier is resolved as identity stood in that cut of the log (links and merges recorded by then).',
        querystring: Cut.extend({ identifier: z.string().min(3).describe('<kind>:<value>, such as email:ana@example.com or loyaltyCard:LC-1') }),
        response: { 200: z.object({ customerId: z.string(), identifier: z.string() }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const cut = cutOf(request.query);
      if (!cut.asOf && !cut.knownAt) return { customerId: resolveCustomer(ingestor.resolver, request.query.identifier), identifier: request.query.identifier };
      const customerId = await ingestor.resolveAt(parseCustomerRef(request.query.identifier), cut);
      if (customerId === undefined) throw new HttpError(404, ApiErrorCode.notFound, `no customer ${request.query.identifier} in this cut`);
      return { customerId, identifier: request.query.identifier };
    },
  );

  typed.get(
    '/v1/projections',
    {
      config: { scope: 'read' },
      schema: { tags: ['projections'], summary: "Every projection version: status, checkpoint, lag behind the log", security, response: { 200: z.object({ projections: z.array(ProjectionStatus) }), ...problemResponses(401, 403) } },
    },
    async () => ({ projections: await runtime.status() }),
  );

  typed.get(
    '/v1/projections/:name/partitions',
    {
      config: { scope: 'read', personalData: true },
      schema: {
        tags: ['projections'],
        summary: "A projection's partitions: the keys it has a state for",
        description: "Keys of the version that answers, in key order, a page at a time: pass a page's `next` as `after` for the next page (`next` is null on the last). Customer ids for per-customer projections, '*' for a global one, the projection's own keys otherwise.",
        security,
        params: z.object({ name: z.string() }),
        querystring: z.object({
          after: z.string().optional().describe('Keys after this one (the previous page\'s next)'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ projection: z.string().describe('name@version that answered'), partitions: z.array(z.string()), next: z.string().nullable() }), ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      const { key, partitions } = await runtime.partitionKeys(request.params.name, { ...(after !== undefined ? { after } : {}), limit });
      return { projection: key, partitions, next: partitions.length === limit ? partitions.at(-1)! : null };
    },
  );

  typed.get(
    '/v1/projections/:name/partitions/:partition',
    {
      config: { scope: 'read', personalData: true },
      schema: {
        tags: ['projections'],
        summary: "Any projection's query over one partition",
        description: "For per-customer projections the partition is a customer id (merged ids answer for their survivor). `query` names one of the projection's queries; `state` returns the state itself.",
        security,
        params: z.object({ name: z.string(), partition: z.string() }),
        querystring: Cut.extend({ query: z.string().default('state') }),
        response: { 200: QueryAnswer, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const answer = await runtime.query(request.params.name, request.params.partition, { query: request.query.query, ...cutOf(request.query) });
      if (!answer) throw new HttpError(404, ApiErrorCode.notFound, `no partition ${request.params.partition} of ${request.params.name} in this cut`);
      return answer;
    },
  );

  typed.post(
    '/v1/projections',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['projections'],
        summary: "Register an analyst's projection module",
        description: 'The service imports the module (a path it can read), backfills it over all history, keeps it current, and loads it again after a restart.',
        security,
        body: z.object({ module: z.string().min(1).describe('Absolute path of a .ts or .js module exporting a projection definition') }),
        response: { 202: z.object({ projection: z.string(), module: z.string() }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const definition = await loadProjectionModule(request.body.module);
      // Registered first: backfill threads load the registered modules (and a restart loads it again).
      await readModels.addModule(definition.name, request.body.module);
      await runtime.add(definition);
      request.log.info({ projection: `${definition.name}@${definition.version}` }, 'projection registered');
      return reply.code(202).send({ projection: `${definition.name}@${definition.version}`, module: request.body.module });
    },
  );

  typed.delete(
    '/v1/projections/:name',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['projections'],
        summary: "Remove an analyst's projection",
        description:
          'Stops folding every version of a module registered with POST /v1/projections, removes their states, and unregisters the module, so that a restart does not load it again. Built-in projections cannot be removed; nor can one backfilling on threads until its backfill has ended (409).',
        security,
        params: z.object({ name: z.string().min(1) }),
        response: { 200: z.object({ projection: z.string(), versions: z.array(z.string()).describe('The versions that were stopped and removed') }), ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { name } = request.params;
      const modules = (await readModels.modules()).map((module) => module.name);
      if (!modules.includes(name) && runtime.names().includes(name)) throw new ProjectionNotRemovableError(name, 'it is built in; only modules registered with POST /v1/projections (project add) can be removed');
      if (!modules.includes(name)) throw new HttpError(404, ApiErrorCode.notFound, `no module registered as ${name}; registered: ${modules.join(', ') || 'none'}`);
      // Stopped first: a refusal (backfilling) leaves the registration in place. A module that did not load has nothing folding.
      const versions = await runtime.remove(name).catch((error: unknown) => (error instanceof UnknownProjectionError ? [] : Promise.reject(error)));
      await readModels.removeModule(name);
      request.log.info({ projection: name, versions }, 'projection removed');
      return { projection: name, versions };
    },
  );
};
