import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeyRing, buildApp, createMetrics, createStoreTimings, followApiKeysFile, loadApiKeys, timedReadModels } from '@roc-ledger/api';
import { defaultTopics } from '@roc-ledger/kafka-ingest';
import { endIdleEquityWorker, EquityTracker, KnownAtPreparer, terminateEquityWorker } from '@roc-ledger/customer-equity';
import { ProjectionRuntime } from '@roc-ledger/projections';
import { ChainMonitor, loadOrCreateSigningKey, walkOnOwnThread } from '@roc-ledger/ledger';
import { openAccessLog, reapplyErasures } from '@roc-ledger/privacy';
import { accessLogFile } from '../accessLog.ts';
import { ExitCode } from '../exitCodes.ts';
import { signingKeyFile } from './proofCommands.ts';
import { openReadModels, registeredDefinitions, servicePidFile } from '../projections.ts';
import { backfillThreads } from '../backfillContext.ts';
import { chainWalkSource } from '../chainWalkContext.ts';
import { openIngestor, openLedger } from '../openLedger.ts';
import { progressLog } from '../progressLog.ts';
import { startKafkaIngest } from './kafkaIngest.ts';
import { serveIngest, serveProjector, sharedReadModels, stopRequested, timedLedger, type ServiceRole } from './serveRoles.ts';

export interface ServeOptions {
  dataDir?: string;
  host: string;
  port: number;
  maxBatch?: number;
  bodyLimit?: number;
  /** Also consume the channel topics. */
  kafka?: boolean;
  kafkaBrokers?: string;
  kafkaTopicPrefix?: string;
  kafkaGroup?: string;
  /** Minutes between scheduled walks of the hash chain (default 15). */
  verifyEveryMinutes?: number;
  /** all (default): everything in this process; api, ingest or projector: one service of several sharing the stores. */
  role?: ServiceRole;
  /** Projector: shards the customers are split into among the projector instances (default 1). */
  shards?: number;
  /** Projector: this instance's name among the others (default host:pid). */
  instance?: string;
  /** Projector: seconds before a dead instance's shards are taken over (default 15). */
  leaseTtlSeconds?: number;
}

export const apiKeysFile = (dataDir: string) => join(dataDir, 'api-keys.json');

/**
 * The HTTP service on the embedded store. SIGTERM or SIGINT: readiness turns 503, the server stops
 * accepting, requests in flight finish (their events are durable before they are answered), the
 * store closes, exit 0.
 */
export const serveCommand = async (options: ServeOptions): Promise<number> => {
  if (options.role === 'ingest') return serveIngest(options);
  if (options.role === 'projector') return serveProjector(options);
  const api = options.role === 'api';
  // From the first moment: a SIGTERM during start-up stops the service once it is up, gracefully,
  // rather than killing it with the signal's default action.
  const stopSignal = stopRequested();
  const timings = createStoreTimings();
  const ledger = timedLedger(openLedger(options.dataDir, undefined, { create: true }), timings);
  // A separate API service shares the log with the Kafka-ingest services: identity must see their appends.
  const ingestor = await openIngestor(ledger, undefined, { otherWriters: api });
  const keys = new ApiKeyRing(loadApiKeys(apiKeysFile(ledger.dataDir)));
  // An API instance answers from the states the projector instances keep: they must be shared.
  const readModels = timedReadModels(api ? await sharedReadModels(ledger.dataDir, 'api') : await openReadModels(ledger.dataDir), timings);
  // An analyst's module that no longer loads is reported, and the service runs without it.
  const { definitions, failures: moduleFailures } = await registeredDefinitions(readModels);
  const runtime: ProjectionRuntime = new ProjectionRuntime({
    store: ledger.store,
    readModels,
    definitions,
    folds: api ? 'none' : 'all',
    // A projection far behind (a first start, a new version) backfills on a thread of its own.
    backfill: backfillThreads(ledger.dataDir),
    log: (message, fields) => app.log.info(fields ?? {}, message),
    onProgress: progressLog((line) => app.log.info(line, 'projections backfilling')),
  });
  const equity = new EquityTracker({ store: ledger.store, path: join(ledger.dataDir, 'readmodels.db'), log: (message, fields) => app.log.info(fields ?? {}, message) });
  // The series as known at each past month end, for the dashboard's slider: prepared in the
  // background after start, and again every hour for the month ends that pass meanwhile.
  const knownAt = new KnownAtPreparer(ledger.store, equity);
  const prepareKnownAt = () => void knownAt.prepare((error) => app.log.warn({ error: String(error) }, 'preparing the known-at series failed; the next pass retries'));
  const accessLog = openAccessLog(accessLogFile(ledger.dataDir));
  let kafka: Awaited<ReturnType<typeof startKafkaIngest>> | undefined;
  const kafkaCounts = options.kafka ? { kafka: () => kafka?.service.stats ?? { stored: 0, duplicates: 0, deadLettered: 0 } } : {};
  const deadLetterTopic = options.kafka ? { deadLetterTopic: async () => (kafka ? kafka.service.deadLetterTopicMessages() : Promise.reject(new Error('not consuming yet'))) } : {};
  const chain = new ChainMonitor(ledger.store, {
    intervalMs: (options.verifyEveryMinutes ?? 15) * 60_000,
    // Hashing the whole chain takes minutes on a large log: on a thread of its own, it takes no turns from requests.
    walk: walkOnOwnThread(chainWalkSource(ledger.dataDir)),
    onCheck: (check) => (check.ok ? app.log.info({ checked: check.checked, head: check.head, durationMs: Math.round(check.durationMs) }, 'chain verified') : app.log.error({ failure: check.failure }, 'chain verification failed')),
  });
  const metrics = createMetrics({ ingestor, store: ledger.store, runtime, chain, timings, ...kafkaCounts });
  const app = await buildApp({
    store: ledger.store,
    contract: ledger.contract,
    ingestor,
    keys,
    projections: { runtime, readModels },
    personalDataKeys: ledger.keys,
    accessLog,
    metrics,
    chain,
    ...kafkaCounts,
    ...deadLetterTopic,
    knownAt: () => knownAt.progress,
    equity,
    signingKey: loadOrCreateSigningKey(signingKeyFile(ledger.dataDir)),
    limits: { ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}), ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) },
  });
  for (const failure of moduleFailures) app.log.error(failure);
  // A key store restored from an older backup must not bring erased customers' keys back.
  const revived = await reapplyErasures(ledger.store, ledger.keys);
  if (revived.length > 0) app.log.warn({ keys: revived.length }, 'keys of erased customers were back in the key store (restored from an older backup?) and were destroyed again');
  await runtime.start();
  // The work of a start runs in turn, not at once, so that its memory does not add up: the
  // projections' backfill (at a first start or a new version, on every core), the equity series'
  // first computation once the backfill threads' memory is back with the system, the chain walk,
  // then the known-at series.
  let stopping = false;
  void runtime
    .backfilled()
    .then(() => runtime.backfillMemoryReturned())
    .then(() => {
      if (stopping) return;
      equity.start();
      return equity.current;
    })
    .then(async () => {
      if (stopping) return;
      // Its thread holds the first series' garbage (~250 MB on a million events) until it ends.
      await endIdleEquityWorker();
      chain.start();
      return chain.check().catch(() => undefined);
    })
    .then(() => {
      if (!stopping) prepareKnownAt();
    });
  const hourly = setInterval(prepareKnownAt, 3_600_000).unref();
  if (keys.size === 0) app.log.warn(`no API keys: every protected route answers 401; create one with roc-ledger keys create`);
  // Keys created or revoked while the service runs count within a second; keys given in the environment are fixed.
  const stopFollowingKeys = process.env.ROC_LEDGER_API_KEYS
    ? () => {}
    : followApiKeysFile(apiKeysFile(ledger.dataDir), keys, {
        reloaded: (count) => app.log.info({ keys: count }, 'API keys reloaded'),
        invalid: (error) => app.log.error({ error: error.message }, 'the API keys file changed but is not valid; the keys in use are kept'),
      });
  const address = await app.listen({ host: options.host, port: options.port });
  // The pid file tells other commands that this process folds the read models.
  if (!api) writeFileSync(servicePidFile(ledger.dataDir), `${process.pid}\n`);
  process.stderr.write(`roc-ledger: listening on ${address} (data ${ledger.dataDir}); dashboard at ${address}/dashboard/, OpenAPI at ${address}/openapi.json, docs at ${address}/docs\n`);
  kafka = options.kafka ? await startKafkaIngest(options, ingestor, (level, message, fields) => app.log[level](fields ?? {}, message)) : undefined;
  if (kafka) process.stderr.write(`roc-ledger: consuming ${defaultTopics(options.kafkaTopicPrefix).byChannel.web} and the other channel topics from ${kafka.brokers.join(',')}\n`);

  const signal = await stopSignal;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  app.markShuttingDown();
  // The Kafka batch in flight finishes and is committed; then the consumer leaves its group.
  await kafka?.service.stop();
  // Requests in flight get this long to finish; then their connections are closed.
  const grace = setTimeout(() => app.server.closeAllConnections(), 10_000).unref();
  await app.close();
  clearTimeout(grace);
  stopFollowingKeys();
  // Folded events not yet committed are committed now; the next start resumes from there.
  if (!api) rmSync(servicePidFile(ledger.dataDir), { force: true });
  await chain.stop();
  clearInterval(hourly);
  // A series being prepared is not waited for: the worker ends, and the next start prepares it.
  knownAt.stop();
  await terminateEquityWorker();
  await runtime.stop();
  await equity.stop();
  await readModels.close();
  await accessLog.close();
  await ledger.store.close();
  return ExitCode.ok;
};
