// The HTTP ceiling: a bare fastify route that parses the JSON body and answers 201, nothing else.
import Fastify from 'fastify';

const app = Fastify({ logger: false, bodyLimit: 64 << 20 });
app.post('/v1/events', async (request, reply) => reply.code(201).send({ received: Array.isArray((request.body as { events?: unknown[] }).events) ? (request.body as { events: unknown[] }).events.length : 1 }));
app.post('/v1/events/batch', async (request, reply) => reply.code(200).send({ received: (request.body as { events: unknown[] }).events.length }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stderr.write(`bare fastify listening on ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
