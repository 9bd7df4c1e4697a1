import { join } from 'node:path';
import { ApiKeyRing, buildApp, loadApiKeys } from '@roc-ledger/api';
import { ExitCode } from '../exitCodes.ts';
import { openIngestor, openLedger } from '../openLedger.ts';

export interface ServeOptions {
  dataDir?: string;
  host: string;
  port: number;
  maxBatch?: number;
  bodyLimit?: number;
}

export const apiKeysFile = (dataDir: string) => join(dataDir, 'api-keys.json');

/**
 * The HTTP service on the embedded store. SIGTERM or SIGINT: readiness turns 503, the server stops
 * accepting, requests in flight finish (their events are durable before they are answered), the
 * store closes, exit 0.
 */
export const serveCommand = async (options: ServeOptions): Promise<number> => {
  const ledger = openLedger(options.dataDir);
  const ingestor = await openIngestor(ledger);
  const keys = new ApiKeyRing(loadApiKeys(apiKeysFile(ledger.dataDir)));
  const app = await buildApp({
    store: ledger.store,
    contract: ledger.contract,
    ingestor,
    keys,
    limits: { ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}), ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}) },
  });
  if (keys.size === 0) app.log.warn(`no API keys: every protected route answers 401; create one with roc-ledger keys create`);
  const address = await app.listen({ host: options.host, port: options.port });
  process.stderr.write(`roc-ledger: listening on ${address} (data ${ledger.dataDir}); OpenAPI at ${address}/openapi.json, docs at ${address}/docs\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      app.markShuttingDown();
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  // Requests in flight get this long to finish; then their connections are closed.
  const grace = setTimeout(() => app.server.closeAllConnections(), 10_000).unref();
  await app.close();
  clearTimeout(grace);
  await ledger.store.close();
  return ExitCode.ok;
};
