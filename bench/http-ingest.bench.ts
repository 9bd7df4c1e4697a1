// HTTP ingest under load from autocannon (a second process's worth of work on loopback):
// one event per request over 64 connections, and batches of 500 events; beside the ceiling,
// a bare fastify route doing nothing but parse the same bodies. The service as `serve` runs it
// (everything in one process), and as the scale-out's API instance (`--role api`, PostgreSQL).
// Usage: node bench/http-ingest.bench.ts [--seconds 10] [--runs 3]
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { argValue, emit, medianRun } from './lib/result.ts';
import { startLedgerServer, startProcess, type ServerProcess } from './lib/servers.ts';
import { uuidv7 } from '@roc-ledger/events';
import { demoEvents, tempDir } from './lib/workload.ts';
import { dropSchema, testPostgresUrl } from '../test/support/postgres.ts';

const seconds = argValue('seconds', 10);
const runs = argValue('runs', 3);
const pool = demoEvents(50_000);

interface Load {
  connections: number;
  batch: number;
}

// Each event serialised once, with its id as a placeholder: bodies are cheap to make, so that the
// load generator leaves the CPU to the server.
const templates = pool.map((e) => JSON.stringify({ ...e, eventId: '@ID@' }).split('@ID@'));

/** Every request carries new event ids, so the ledger stores rather than acknowledges repeats. */
const run = async (server: ServerProcess & { key?: string }, load: Load) => {
  let next = 0;
  const event = () => {
    const [before, after] = templates[next++ % templates.length]!;
    return `${before}${uuidv7()}${after}`;
  };
  const body = () => (load.batch === 1 ? event() : `{"events":[${Array.from({ length: load.batch }, event).join(',')}]}`);
  const result = await autocannon({
    url: server.url,
    connections: load.connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...(server.key ? { authorization: `Bearer ${server.key}` } : {}) },
    requests: [{ method: 'POST', path: load.batch === 1 ? '/v1/events' : '/v1/events/batch', setupRequest: (request: Record<string, unknown>) => ({ ...request, body: body() }) }],
  });
  const ok = result['2xx'];
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx and ${result.errors} errors`);
  return { seconds: result.duration, events: ok * load.batch, p50: result.latency.p50, p99: result.latency.p99 };
};

const cases: [string, Load][] = [
  ['http-single-64c', { connections: 64, batch: 1 }],
  ['http-batch-500', { connections: 8, batch: 500 }],
];

/**
 * `serve --role api` as the scale-out runs it: ingestion and queries only, its read models in
 * PostgreSQL (a schema of its own, dropped after), their projector instance elsewhere.
 */
const startApiRole = async (dataDir: string) => {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const server = await startLedgerServer(dataDir, ['--body-limit', String(64 << 20), '--role', 'api'], { ...process.env, ROC_LEDGER_READ_MODELS_URL: testPostgresUrl, ROC_LEDGER_READ_MODELS_SCHEMA: schema });
  return { ...server, stop: async () => (await server.stop(), await dropSchema(schema)) };
};

const NOTES: Record<string, string> = { 'roc-ledger': ', durable', 'roc-ledger-api-role': ', durable; serve --role api: no projections in the process' };

for (const [name, load] of cases) {
  for (const impl of ['bare-fastify-ceiling', 'roc-ledger', 'roc-ledger-api-role'] as const) {
    const result = await medianRun(runs, async () => {
      const temp = tempDir('http');
      const server =
        impl === 'roc-ledger'
          ? await startLedgerServer(temp.dir, ['--body-limit', String(64 << 20)])
          : impl === 'roc-ledger-api-role'
            ? await startApiRole(temp.dir)
            : await startProcess([join(import.meta.dirname, 'lib', 'bareServer.ts')], /listening on (http:\/\/\S+)/);
      try {
        return await run(server, load);
      } finally {
        await server.stop();
        temp.remove();
      }
    });
    emit({ case: name, impl, events: result.events, seconds: result.seconds, events_per_s: result.events / result.seconds, p50_ms: result.p50, p99_ms: result.p99, runs: result.runs, note: `${load.connections} connections, ${load.batch} event(s) per request${NOTES[impl] ?? ''}` });
  }
}
