import type { FastifyRequest } from 'fastify';

/** `/v1/customers/email:ana@example.com/...` and `?identifier=email:...` name a person: logs keep only the kind. */
const IDENTIFIER_IN_PATH = /(\/customers\/)(email|phone|loyaltyCard|webVisitorId)(:|%3A)[^/?#]*/gi;
const IDENTIFIER_IN_QUERY = /([?&]identifier=)([A-Za-z]+)(:|%3A)[^&#]*/gi;

export const redactUrl = (url: string): string => url.replace(IDENTIFIER_IN_PATH, '$1$2$3[redacted]').replace(IDENTIFIER_IN_QUERY, '$1$2$3[redacted]');

/** pino's request serializer, with identifiers taken out of the URL. */
export const requestSerializer = (request: FastifyRequest) => ({
  method: request.method,
  url: redactUrl(request.url),
  host: request.host,
  remoteAddress: request.ip,
  remotePort: request.socket?.remotePort,
});
