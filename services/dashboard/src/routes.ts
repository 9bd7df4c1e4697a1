import type { FastifyInstance } from 'fastify';
import { buildAssets } from './assets.ts';

/**
 * Policy for every dashboard file: scripts, styles, fonts and data from this service only, no
 * framing. The pages hold no data of their own; they fetch it from the API with the reader's key.
 */
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * GET /dashboard/* : the pages, their modules and the chart library. Unauthenticated, like /docs:
 * the files are the same for everyone, and every figure on the pages comes from the API, which
 * asks for a key with the read scope.
 */
export const dashboardRoutes = (app: FastifyInstance): void => {
  const assets = buildAssets();
  app.get('/dashboard', { schema: { hide: true } as never }, async (_request, reply) => reply.redirect('/dashboard/'));
  app.get<{ Params: { '*': string } }>('/dashboard/*', { schema: { hide: true } as never }, async (request, reply) => {
    const path = request.params['*'] || 'index.html';
    const found = assets.get(path);
    if (!found) return reply.callNotFound();
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').header('etag', found.etag);
    if (request.headers['if-none-match'] === found.etag) return reply.code(304).send();
    return reply.type(found.contentType).send(found.body);
  });
};
