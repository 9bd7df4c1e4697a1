import { hostname } from 'node:os';
import { buildOpsApp, createMetrics, createStoreTimings, timedEventStore, timedReadModels, type StoreTimings } from '@roc-ledger/api';
import { isSharded, ProjectionRuntime, ShardingUnsupportedError, type ReadModelStore } from '@roc-ledger/projections';
import { ExitCode } from '../exitCodes.ts';
import { openReadModels, registeredDefinitions } from '../projections.ts';
import { openIngestor, openLedger, type OpenLedger } from '../openLedger.ts';
import { progressLog } from '../progressLog.ts';
import type { ServeOptions } from './serveCommand.ts';
import { startKafkaIngest } from './kafkaIngest.ts';

export type ServiceRole = 'all' | 'api' | 'ingest' | 'projector';

/** SIGTERM or SIGINT, listened for from the first moment, so a signal during start-up stops the service once it is up. */
export const stopRequested = (): Promise<string> =>
  new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });

type Log = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

/** Logs as JSON lines on stderr, like the API's pino logs, for the roles without an API. */
const jsonLog = (role: ServiceRole): Log => (level, message, fields = {}) =>
  process.stderr.write(`${JSON.stringify({ level, time: Date.now(), role, msg: message, ...fields })}\n`);

/** The ledger with its event store's calls timed, for the service's metrics. */
export const timedLedger = (ledger: OpenLedger, timings: StoreTimings): OpenLedger => ({ ...ledger, store: timedEventStore(ledger.store, timings) });

/** Read models every instance of a role shares: PostgreSQL, or a clear refusal. */
export const sharedReadModels = async (dataDir: string, role: ServiceRole): Promise<ReadModelStore> => {
  const readModels = await openReadModels(dataDir);
  if (!isSharded(readModels)) {
    await readModels.close();
    throw new ShardingUnsupportedError(`--role ${role} with SQLite read models`);
  }
  return readModels;
};

/**
 * `serve --role ingest`: consumes the channel topics into the log; its port serves only health
 * and metrics. Several instances share the topics' partitions through the consumer group.
 */
export const serveIngest = async (options: ServeOptions): Promise<number> => {
  const stop = stopRequested();
  const log = jsonLog('ingest');
  const timings = createStoreTimings();
  const ledger = timedLedger(openLedger(options.dataDir, undefined, { create: true }), timings);
  const ingestor = await openIngestor(ledger, undefined, { otherWriters: true });
  let kafka: Awaited<ReturnType<typeof startKafkaIngest>> | undefined;
  const metrics = createMetrics({ ingestor, store: ledger.store, timings, kafka: () => kafka?.service.stats ?? { stored: 0, duplicates: 0, deadLettered: 0 } });
  const ops = await buildOpsApp({ store: ledger.store, metrics });
  const address = await ops.listen({ host: options.host, port: options.port });
  kafka = await startKafkaIngest(options, ingestor, log);
  process.stderr.write(`roc-ledger: ingest role consuming from ${kafka.brokers.join(',')} (data ${ledger.dataDir}); health and metrics on ${address}\n`);
  log('info', 'shutting down', { signal: await stop });
  ops.markShuttingDown();
  // The batch in flight finishes and is committed; then the consumer leaves its group.
  await kafka.service.stop();
  await ops.close();
  await ledger.store.close();
  return ExitCode.ok;
};

/**
 * `serve --role projector`: folds the projections into the shared read models. With --shards N
 * the customers are split N ways between the projector instances alive (leases in PostgreSQL);
 * with one shard (the default) one instance folds and the others stand by to take over.
 */
export const serveProjector = async (options: ServeOptions): Promise<number> => {
  const stop = stopRequested();
  const log = jsonLog('projector');
  const timings = createStoreTimings();
  const ledger = timedLedger(openLedger(options.dataDir, undefined, { create: true }), timings);
  const readModels = timedReadModels(await sharedReadModels(ledger.dataDir, 'projector'), timings);
  const { definitions, failures } = await registeredDefinitions(readModels);
  for (const failure of failures) log('error', failure);
  const owner = options.instance ?? `${hostname()}:${process.pid}`;
  const runtime = new ProjectionRuntime({
    store: ledger.store,
    readModels,
    definitions,
    folds: { shards: options.shards ?? 1, owner, ...(options.leaseTtlSeconds ? { leaseTtlMs: options.leaseTtlSeconds * 1000 } : {}) },
    log: (message, fields) => log('info', message, { instance: owner, ...fields }),
    onProgress: progressLog((line) => log('info', 'projections backfilling', { instance: owner, ...line })),
  });
  const metrics = createMetrics({ store: ledger.store, runtime, shards: true, timings });
  const ops = await buildOpsApp({ store: ledger.store, metrics });
  const address = await ops.listen({ host: options.host, port: options.port });
  await runtime.start();
  // Modules analysts register or remove through an API service (project add, project remove) are followed here.
  const modules = setInterval(() => void followRegisteredModules(runtime, readModels, log), 10_000).unref();
  process.stderr.write(`roc-ledger: projector ${owner} folding shards [${runtime.heldShards.map((i) => i + 1).join(', ')}] of ${options.shards ?? 1} (data ${ledger.dataDir}); health and metrics on ${address}\n`);
  log('info', 'shutting down', { signal: await stop, instance: owner });
  ops.markShuttingDown();
  clearInterval(modules);
  // Folded events are committed and the leases handed back, so another instance takes over at once.
  await runtime.stop();
  await ops.close();
  await readModels.close();
  await ledger.store.close();
  return ExitCode.ok;
};

const followRegisteredModules = async (runtime: ProjectionRuntime, readModels: ReadModelStore, log: Log): Promise<void> => {
  try {
    const { definitions, names } = await registeredDefinitions(readModels);
    for (const definition of definitions) await runtime.add(definition);
    // Removed: no longer registered (a module that fails to load now is still registered, and keeps folding).
    for (const name of runtime.names()) if (!names.has(name)) await runtime.remove(name);
  } catch (error) {
    log('warn', 'could not follow the registered projection modules; retrying', { error: String(error) });
  }
};
