import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiErrorCode } from '../errors.ts';
import type { ApiKeyRing, Principal } from '../auth/apiKeys.ts';
import { sendProblem } from './problems.ts';

/** What a route needs: any ingest:<channel> scope, or read, audit, admin. admin may do everything. */
export type RouteScope = 'ingest' | 'read' | 'audit' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    scope?: RouteScope;
  }
}

const keyOf = (request: FastifyRequest): string | undefined => {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : undefined;
};

const allows = (principal: Principal, scope: RouteScope): boolean =>
  principal.scopes.has('admin') || (scope === 'ingest' ? principal.channels.length > 0 : principal.scopes.has(scope));

/** API-key authentication on every route that declares a scope. Failures are logged with the key id, never the key. */
export const authPlugin = (app: FastifyInstance, keys: ApiKeyRing): void => {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request, reply) => {
    const scope = request.routeOptions.config.scope;
    if (!scope) return;
    const key = keyOf(request);
    const principal = key ? keys.authenticate(key) : undefined;
    if (!principal) {
      request.log.warn({ route: request.routeOptions.url, scope, reason: key ? 'unknown key' : 'no key' }, 'authentication failed');
      return sendProblem(reply, {
        type: `urn:roc-ledger:problem:${ApiErrorCode.unauthenticated}`,
        title: 'Unauthorized',
        status: 401,
        detail: key ? 'the API key is not valid' : 'an API key is required (Authorization: Bearer <key>, or X-API-Key)',
        code: ApiErrorCode.unauthenticated,
        instance: request.url,
        requestId: request.id,
      });
    }
    if (!allows(principal, scope)) {
      request.log.warn({ route: request.routeOptions.url, scope, keyId: principal.keyId }, 'forbidden');
      return sendProblem(reply, {
        type: `urn:roc-ledger:problem:${ApiErrorCode.forbidden}`,
        title: 'Forbidden',
        status: 403,
        detail: `key ${principal.keyId} lacks the ${scope === 'ingest' ? 'ingest:<channel>' : scope} scope`,
        code: ApiErrorCode.forbidden,
        instance: request.url,
        requestId: request.id,
      });
    }
    request.principal = principal;
  });
};
