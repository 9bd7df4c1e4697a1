import type { FastifyInstance } from 'fastify';
import type { AccessLog } from '@roc-ledger/privacy';
import { ApiErrorCode, HttpError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers with a customer's personal data: each answer is recorded in the access log. */
    personalData?: boolean;
  }
}

export const PURPOSE_HEADER = 'x-access-purpose';
const PURPOSE = /^[a-z][a-z0-9-]{0,63}$/;

/** The customer an answer is about: its customerId or partition, else `*`. */
const customerOf = (payload: unknown): string => {
  const p = payload as { customerId?: unknown; partition?: unknown } | null;
  return typeof p?.customerId === 'string' ? p.customerId : typeof p?.partition === 'string' ? p.partition : '*';
};

/**
 * Every successful answer of a personal-data route is recorded (key id, customer, purpose, route,
 * request id) before it is sent; if it cannot be recorded, it is not sent. The purpose comes from
 * the X-Access-Purpose header, and defaults to the scope the route requires.
 */
export const accessLogPlugin = (app: FastifyInstance, accessLog: AccessLog): void => {
  app.addHook('preHandler', async (request) => {
    if (!request.routeOptions.config.personalData) return;
    const purpose = request.headers[PURPOSE_HEADER];
    if (purpose !== undefined && (typeof purpose !== 'string' || !PURPOSE.test(purpose))) {
      throw new HttpError(400, ApiErrorCode.invalidRequest, `${PURPOSE_HEADER}: 1-64 of a-z 0-9 -, starting with a letter (such as customer-service or fraud-review)`);
    }
  });
  app.addHook('preSerialization', async (request, reply, payload) => {
    const config = request.routeOptions.config;
    if (!config.personalData || reply.statusCode >= 300) return payload;
    const header = request.headers[PURPOSE_HEADER];
    await accessLog.record({
      actor: request.principal?.keyId ?? 'anonymous',
      via: 'http',
      customer: customerOf(payload),
      purpose: typeof header === 'string' ? header : (config.scope ?? 'read'),
      action: `${request.method} ${request.routeOptions.url}`,
      requestId: request.id,
    });
    return payload;
  });
};
