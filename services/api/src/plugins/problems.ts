import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from '@roc-ledger/events';
import { ApiErrorCode } from '../errors.ts';

export type { Problem };

/** Our error codes → HTTP status. Everything caused by input is 4xx; 5xx is only for our own faults. */
const STATUS_BY_CODE: Record<string, number> = {
  EVENTS_ERR_INVALID_EVENT: 400,
  EVENTS_ERR_UNKNOWN_EVENT_TYPE: 400,
  EVENTS_ERR_UNSUPPORTED_SCHEMA_VERSION: 400,
  EVENTS_ERR_LEDGER_FIELD_SET: 400,
  EVENTS_ERR_CURRENCY_NOT_REPORTING: 400,
  IDENTITY_ERR_JUNK_IDENTIFIER: 400,
  IDENTITY_ERR_INVALID_PHONE: 400,
  INGEST_ERR_OCCURRED_IN_FUTURE: 400,
  INGEST_ERR_CHANNEL_NOT_ALLOWED: 403,
  INGEST_ERR_RESERVED_TYPE: 403,
  PRIVACY_ERR_CUSTOMER_ERASED: 409,
  PRIVACY_ERR_KEYSTORE_UNAVAILABLE: 503,
  PRIVACY_ERR_ACCESS_LOG_UNAVAILABLE: 503,
  PRIVACY_ERR_LEDGER_SECRET_DESTROYED: 503,
  LEDGER_ERR_EVENT_ID_CONFLICT: 409,
  LEDGER_ERR_PARTIAL_DUPLICATE: 409,
  LEDGER_ERR_WRONG_EXPECTED_REVISION: 409,
  LEDGER_ERR_INVALID_STREAM_ID: 400,
  LEDGER_ERR_STORE_UNAVAILABLE: 503,
  LEDGER_ERR_STORE_CLOSED: 503,
  PROJ_ERR_UNKNOWN_PROJECTION: 404,
  PROJ_ERR_NOT_REMOVABLE: 409,
  PROJ_ERR_UNKNOWN_QUERY: 404,
  PROJ_ERR_MODULE_INVALID: 400,
  PROJ_ERR_INVALID_PROJECTION: 400,
  PROJ_ERR_READ_MODELS_UNAVAILABLE: 503,
  EQUITY_ERR_MODELS_UNAVAILABLE: 400,
  FST_ERR_CTP_BODY_TOO_LARGE: 413,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 415,
  FST_ERR_CTP_EMPTY_JSON_BODY: 400,
  FST_ERR_CTP_INVALID_JSON_BODY: 400,
  FST_ERR_VALIDATION: 400,
};

/** Fastify's own codes, renamed to ours so that clients see one catalogue. */
const RENAMED: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ApiErrorCode.bodyTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ApiErrorCode.unsupportedMediaType,
  FST_ERR_CTP_EMPTY_JSON_BODY: ApiErrorCode.malformedJson,
  FST_ERR_CTP_INVALID_JSON_BODY: ApiErrorCode.malformedJson,
  FST_ERR_VALIDATION: ApiErrorCode.invalidRequest,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

interface DescribedError {
  code?: string;
  statusCode?: number;
  message: string;
  eventId?: string;
  path?: string;
  issues?: { path: string; message: string }[];
  validation?: { instancePath?: string; message?: string }[];
  retriable?: boolean;
}

/** Turns any error into a problem document. A JSON body that fails to parse is a SyntaxError with status 400. */
export const toProblem = (error: unknown, request?: FastifyRequest): Problem => {
  const e = error as DescribedError;
  let status = (e.code && STATUS_BY_CODE[e.code]) || e.statusCode || 500;
  if (status < 400 || status > 599) status = 500;
  const code = e.code ? (RENAMED[e.code] ?? e.code) : error instanceof SyntaxError && status === 400 ? ApiErrorCode.malformedJson : status === 500 ? ApiErrorCode.internal : ApiErrorCode.invalidRequest;
  const errors = e.issues ?? (e.path ? [{ path: e.path, message: e.message.slice(e.path.length + 2) }] : e.validation?.map((v) => ({ path: (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.'), message: v.message ?? 'invalid' })));
  return {
    type: `urn:roc-ledger:problem:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    // A 500 is our fault: say nothing of its internals to the client (it is logged).
    detail: status === 500 ? 'an unexpected error; it has been logged with the request id' : e.message,
    code,
    ...(request ? { instance: request.url, requestId: request.id } : {}),
    ...(e.eventId ? { eventId: e.eventId } : {}),
    ...(errors?.length ? { errors } : {}),
  };
};

export const sendProblem = (reply: FastifyReply, problem: Problem): FastifyReply => reply.code(problem.status).type('application/problem+json').send(problem);

/** Every error leaves as application/problem+json. Codes, paths and ids are logged; values never are. */
export const problemsPlugin = (app: FastifyInstance): void => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request);
    const fields = { code: problem.code, status: problem.status, eventId: problem.eventId, paths: problem.errors?.map((e) => e.path) };
    if (problem.status >= 500) request.log.error({ ...fields, err: error }, 'request failed');
    else request.log.info(fields, 'request rejected');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, { type: `urn:roc-ledger:problem:${ApiErrorCode.notFound}`, title: 'Not Found', status: 404, detail: `no route ${request.method} ${request.url}`, code: ApiErrorCode.notFound, instance: request.url, requestId: request.id }),
  );
};
