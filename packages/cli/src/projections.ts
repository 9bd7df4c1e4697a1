import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { customerView } from '@roc-ledger/customer-view';
import { ledgerActivity } from '@roc-ledger/ledger-activity';
import { getSqliteReadModelStore, loadProjectionModule, type ProjectionDefinition, type ReadModelStore } from '@roc-ledger/projections';
import { getPostgresReadModelStore } from '@roc-ledger/readmodels-postgres';
import { trustScore } from '@roc-ledger/trust-score';

/** The projections every ledger keeps current. */
export const BUILT_IN_PROJECTIONS: readonly ProjectionDefinition<any>[] = [customerView, trustScore, ledgerActivity];

/** A built-in projection by name, or an analyst's module by path. */
export const projectionFrom = async (nameOrPath: string): Promise<ProjectionDefinition<any>> =>
  BUILT_IN_PROJECTIONS.find((p) => p.name === nameOrPath) ?? loadProjectionModule(nameOrPath);

/**
 * The read models: on PostgreSQL when ROC_LEDGER_READ_MODELS_URL is a postgres:// URL (tables in the
 * schema ROC_LEDGER_READ_MODELS_SCHEMA, default roc_ledger), else readmodels.db beside events.db.
 */
export const openReadModels = async (dataDir: string, env: NodeJS.ProcessEnv = process.env, options: { sqliteCacheSizeKb?: number } = {}): Promise<ReadModelStore> => {
  const url = env.ROC_LEDGER_READ_MODELS_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return getPostgresReadModelStore({ connectionString: url, schema: env.ROC_LEDGER_READ_MODELS_SCHEMA ?? 'roc_ledger' });
  return getSqliteReadModelStore(join(dataDir, 'readmodels.db'), options.sqliteCacheSizeKb ? { cacheSizeKb: options.sqliteCacheSizeKb } : {});
};

/**
 * The built-in projections and the analysts' modules registered with the service; modules that no
 * longer load are reported, not fatal. `names`: every registered name, those that did not load included.
 */
export const registeredDefinitions = async (readModels: ReadModelStore): Promise<{ definitions: ProjectionDefinition<any>[]; failures: string[]; names: Set<string> }> => {
  const definitions: ProjectionDefinition<any>[] = [...BUILT_IN_PROJECTIONS];
  const failures: string[] = [];
  const modules = await readModels.modules();
  for (const { path } of modules) {
    await loadProjectionModule(path).then((d) => void definitions.push(d), (error: Error) => void failures.push(error.message));
  }
  return { definitions, failures, names: new Set([...BUILT_IN_PROJECTIONS.map((p) => p.name), ...modules.map((m) => m.name)]) };
};

/** The file a running `serve` keeps its process id in, so that other commands know it folds the read models. */
export const servicePidFile = (dataDir: string): string => join(dataDir, 'serve.pid');

/** The pid of a `serve` running on this data directory, if one is. */
export const runningService = (dataDir: string): number | undefined => {
  let pid: number;
  try {
    pid = Number(readFileSync(servicePidFile(dataDir), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
};
