import type { FastifyInstance } from 'fastify';
import type { EventStore } from '@roc-ledger/ledger';

/** Liveness: the process answers. Readiness: the store answers and the service is not shutting down. */
export const healthRoutes = (app: FastifyInstance, { store, isShuttingDown }: { store: EventStore; isShuttingDown: () => boolean }): void => {
  app.get('/health/live', { schema: { tags: ['health'], hide: true } as never }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { tags: ['health'], hide: true } as never }, async (_request, reply) => {
    if (isShuttingDown()) return reply.code(503).send({ status: 'shutting-down' });
    try {
      const head = await store.head();
      return { status: 'ready', position: head.position };
    } catch {
      return reply.code(503).send({ status: 'store-unavailable' });
    }
  });
};
