import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyUnderPressure from '@fastify/under-pressure';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { anyVersionEventSchema, type Contract } from '@roc-ledger/events';
import type { Ingestor } from '@roc-ledger/ingest';
import type { ChainMonitor, EventStore } from '@roc-ledger/ledger';
import { dashboardRoutes } from '@roc-ledger/dashboard';
import type { EquityTracker } from '@roc-ledger/customer-equity';
import type { AccessLog, KeyStore } from '@roc-ledger/privacy';
import type { ProjectionRuntime, ReadModelStore } from '@roc-ledger/projections';
import type { ApiKeyRing } from './auth/apiKeys.ts';
import { ApiErrorCode, HttpError } from './errors.ts';
import { authPlugin } from './plugins/auth.ts';
import { accessLogPlugin } from './plugins/accessLog.ts';
import { requestSerializer } from './plugins/logRedaction.ts';
import { problemsPlugin, sendProblem } from './plugins/problems.ts';
import { customerRoutes } from './routes/customers.ts';
import { batchBodySchema, eventRoutes } from './routes/events.ts';
import { auditRoutes, type AuditRouteOptions } from './routes/audit.ts';
import { equityRoutes } from './routes/equity.ts';
import { healthRoutes } from './routes/health.ts';
import { projectionRoutes } from './routes/projections.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { accessLogRoutes } from './routes/accessLog.ts';
import { ledgerRoutes, type DeadLetterTopicCount, type KafkaCounts, type KnownAtProgress } from './routes/ledger.ts';
import { IngestTally } from './ingestTally.ts';
import { metricsRoute } from './metrics.ts';
import type { Registry } from 'prom-client';

export interface ApiLimits {
  /** Largest accepted request body, bytes. */
  readonly bodyLimit: number;
  /** Most events in one batch request. */
  readonly maxBatch: number;
  /** Requests per key (or per address without a key) per window. */
  readonly rateLimit: { readonly max: number; readonly timeWindowMs: number };
  /** Above these the service answers 503 instead of queueing without bound. */
  readonly underPressure: { readonly maxEventLoopDelayMs: number; readonly maxHeapUsedBytes?: number; readonly maxRssBytes?: number; readonly sampleIntervalMs?: number };
}

export const DEFAULT_LIMITS: ApiLimits = {
  bodyLimit: 1 << 20,
  maxBatch: 1000,
  rateLimit: { max: 600_000, timeWindowMs: 60_000 },
  underPressure: { maxEventLoopDelayMs: 1000 },
};

export interface ApiOptions {
  readonly store: EventStore;
  readonly contract: Contract;
  readonly ingestor: Ingestor;
  readonly keys: ApiKeyRing;
  /** Projections kept current in-process: their query routes are served when given. */
  readonly projections?: { readonly runtime: ProjectionRuntime; readonly readModels: ReadModelStore };
  /** The equity and ROC series kept current in-process: /v1/equity, /v1/roc and /v1/restatements are served when given. */
  readonly equity?: EquityTracker;
  /** The key store sealing personal data: DELETE /v1/customers/:id/personal-data is served when given. */
  readonly personalDataKeys?: KeyStore;
  /** How long an erasure waits for the projections to refold it before answering readModels: pending (default 30 s). */
  readonly erasureRefoldWaitMs?: number;
  /** The chain verified on a schedule: its latest result is on GET /v1/ledger/health. */
  readonly chain?: ChainMonitor;
  /** The Kafka consumer's counters, when this process consumes the channel topics. */
  readonly kafka?: KafkaCounts;
  /** Messages on the dead-letter topic now (a Kafka admin query), for /v1/ledger/health. */
  readonly deadLetterTopic?: DeadLetterTopicCount;
  /** How far the known-at series are prepared, for /v1/ledger/health. */
  readonly knownAt?: KnownAtProgress;
  /** Serve the web dashboard at /dashboard/ (default true). */
  readonly dashboard?: boolean;
  /** Prometheus metrics (createMetrics): GET /metrics is served when given. */
  readonly metrics?: Registry;
  /** Where reads of personal data are recorded: every such answer is, when given (and /v1/audit/access-log serves it). */
  readonly accessLog?: AccessLog;
  /** The ledger's signing key: the /v1/audit routes are served when given. */
  readonly signingKey?: AuditRouteOptions['signingKey'];
  readonly limits?: Partial<ApiLimits>;
  /** pino options, or false for no logs. Authorization headers are always redacted. */
  readonly logger?: FastifyServerOptions['logger'];
  readonly version?: string;
}

/** The HTTP service: ingest, queries, OpenAPI and docs, health. Each concern is its own plugin. */
export const buildApp = async (options: ApiOptions): Promise<FastifyInstance & { markShuttingDown(): void }> => {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  let shuttingDown = false;
  const app = Fastify({
    bodyLimit: limits.bodyLimit,
    logger: options.logger ?? { level: 'info', redact: ['req.headers.authorization', 'req.headers["x-api-key"]'], serializers: { req: requestSerializer } },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One line per request, when it is answered (below), instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // During shutdown our own hook answers, with a problem document.
    return503OnClosing: false,
  });

  // Event bodies are validated by the contract itself (which knows the reporting currency and
  // the ledger's own fields); every other schema by the zod type provider.
  const batchSchema = batchBodySchema(limits.maxBatch);
  app.setValidatorCompiler((route) => {
    if (route.schema === anyVersionEventSchema) {
      return (data: unknown) => {
        try {
          return { value: options.contract.parse(data) };
        } catch (error) {
          options.ingestor.reportRejected(data, error);
          return { error: error as Error };
        }
      };
    }
    if (route.schema === batchSchema) {
      return (data: unknown) => {
        const events = (data as { events?: unknown })?.events;
        if (!Array.isArray(events) || events.length === 0 || events.length > limits.maxBatch) {
          return { error: new HttpError(400, ApiErrorCode.invalidRequest, `the body must be {"events": [...]} with 1 to ${limits.maxBatch} events`) };
        }
        return { value: data };
      };
    }
    return validatorCompiler(route as never);
  });
  app.setSerializerCompiler(serializerCompiler);

  // JSON only: a text/plain body is refused with 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');
  problemsPlugin(app);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!shuttingDown || request.url.startsWith('/health/')) return;
    return sendProblem(reply.header('connection', 'close').header('retry-after', '1'), {
      type: `urn:roc-ledger:problem:${ApiErrorCode.shuttingDown}`,
      title: 'Service Unavailable',
      status: 503,
      detail: 'the service is shutting down; retry against another instance or shortly',
      code: ApiErrorCode.shuttingDown,
      instance: request.url,
      requestId: request.id,
    });
  });
  // Responses finishing after shutdown began close their connection, so that close() is not
  // left waiting on kept-alive sockets.
  app.addHook('onSend', async (_request, reply) => {
    if (shuttingDown) reply.header('connection', 'close');
  });
  authPlugin(app, options.keys);

  await app.register(fastifyUnderPressure, {
    maxEventLoopDelay: limits.underPressure.maxEventLoopDelayMs,
    sampleInterval: limits.underPressure.sampleIntervalMs ?? 1000,
    ...(limits.underPressure.maxHeapUsedBytes ? { maxHeapUsedBytes: limits.underPressure.maxHeapUsedBytes } : {}),
    ...(limits.underPressure.maxRssBytes ? { maxRssBytes: limits.underPressure.maxRssBytes } : {}),
    pressureHandler: (request, reply, type, value) => {
      request.log.warn({ type, value }, 'overloaded');
      sendProblem(reply.header('retry-after', '1'), {
        type: `urn:roc-ledger:problem:${ApiErrorCode.overloaded}`,
        title: 'Service Unavailable',
        status: 503,
        detail: `the service is overloaded (${type}); retry shortly`,
        code: ApiErrorCode.overloaded,
        instance: request.url,
        requestId: request.id,
      });
    },
  });

  await app.register(fastifyRateLimit, {
    global: true,
    hook: 'preHandler', // after authentication, so that limits are per key
    max: limits.rateLimit.max,
    timeWindow: limits.rateLimit.timeWindowMs,
    keyGenerator: (request) => request.principal?.keyId ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, ApiErrorCode.rateLimited, `more than ${context.max} requests in ${context.after}; retry later`, { retriable: true }),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'roc-ledger', version: options.version ?? '0.1.0', description: 'Publish customer-interaction events; query customer histories, the single customer view, trust scores and any projection.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } as never }, async () => app.swagger());
  if (options.accessLog) {
    accessLogPlugin(app, options.accessLog);
    accessLogRoutes(app, options.accessLog);
  }
  eventRoutes(app, { store: options.store, ingestor: options.ingestor, maxBatch: limits.maxBatch }, batchSchema);
  customerRoutes(app, { store: options.store, ingestor: options.ingestor });
  if (options.projections) projectionRoutes(app, { ...options.projections, ingestor: options.ingestor });
  if (options.signingKey) auditRoutes(app, { store: options.store, ingestor: options.ingestor, signingKey: options.signingKey, ...(options.chain ? { chain: options.chain } : {}) });
  if (options.personalDataKeys) privacyRoutes(app, { store: options.store, ingestor: options.ingestor, keys: options.personalDataKeys, ...(options.projections ? { runtime: options.projections.runtime } : {}), ...(options.erasureRefoldWaitMs !== undefined ? { refoldWaitMs: options.erasureRefoldWaitMs } : {}) });
  if (options.equity) equityRoutes(app, { store: options.store, tracker: options.equity, ingestor: options.ingestor, currency: options.contract.reportingCurrency });
  ledgerRoutes(app, {
    store: options.store,
    reportingCurrency: options.contract.reportingCurrency,
    tally: new IngestTally(options.ingestor),
    ...(options.projections ? { runtime: options.projections.runtime } : {}),
    ...(options.chain ? { chain: options.chain } : {}),
    ...(options.kafka ? { kafka: options.kafka } : {}),
    ...(options.deadLetterTopic ? { deadLetterTopic: options.deadLetterTopic } : {}),
    ...(options.knownAt ? { knownAt: options.knownAt } : {}),
  });
  if (options.dashboard !== false) dashboardRoutes(app);
  if (options.metrics) metricsRoute(app, options.metrics);
  healthRoutes(app, { store: options.store, isShuttingDown: () => shuttingDown });

  await app.ready();
  return Object.assign(app, {
    markShuttingDown: () => {
      shuttingDown = true;
    },
  }) as FastifyInstance & { markShuttingDown(): void };
};
