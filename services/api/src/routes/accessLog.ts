import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccessLog } from '@roc-ledger/privacy';
import { Instant, problemResponses, toInstant } from './schemas.ts';

const security: { [label: string]: string[] }[] = [{ apiKey: [] }, { bearer: [] }];

const AccessEntry = z.object({
  position: z.number().int(),
  at: z.string(),
  actor: z.string(),
  via: z.enum(['http', 'cli']),
  customer: z.string(),
  purpose: z.string(),
  action: z.string(),
  requestId: z.string().optional(),
  hash: z.string(),
});

/** For auditors (scope audit): who read whose personal data, when and why; and the log's own chain checked. */
export const accessLogRoutes = (app: FastifyInstance, accessLog: AccessLog): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/v1/audit/access-log',
    {
      config: { scope: 'audit' },
      schema: {
        tags: ['audit'],
        summary: 'Reads of personal data, oldest first',
        description: 'Filtered by customer id, actor (API key id or cli:<user>), purpose and time; page with `after` (the last position seen).',
        security,
        querystring: z.object({
          customer: z.string().min(1).optional(),
          actor: z.string().min(1).optional(),
          purpose: z.string().min(1).optional(),
          from: Instant.optional(),
          to: Instant.optional(),
          after: z.coerce.number().int().nonnegative().optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
        }),
        response: { 200: z.object({ entries: z.array(AccessEntry) }), ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const { from, to, ...rest } = request.query;
      return { entries: await accessLog.query({ ...rest, ...(from ? { from: toInstant(from)!.toISOString() } : {}), ...(to ? { to: toInstant(to)!.toISOString() } : {}) }) };
    },
  );
  typed.get(
    '/v1/audit/access-log/verify',
    {
      config: { scope: 'audit' },
      schema: {
        tags: ['audit'],
        summary: "Walk the access log's hash chain; name the first entry that does not check out",
        security,
        response: { 200: z.object({ ok: z.boolean(), entries: z.number().int(), headHash: z.string(), firstBadPosition: z.number().int().optional(), reason: z.string().optional() }), ...problemResponses(401, 403, 503) },
      },
    },
    async () => accessLog.verify(),
  );
};
