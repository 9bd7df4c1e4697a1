export { buildApp, DEFAULT_LIMITS, type ApiLimits, type ApiOptions } from './app.ts';
export { ApiKeyRing, createApiKey, followApiKeysFile, hashKey, loadApiKeys, writeApiKeysFile, SCOPES, type ApiKeyRecord, type Principal, type Scope } from './auth/apiKeys.ts';
export { ApiErrorCode, HttpError } from './errors.ts';
export { toProblem, type Problem } from './plugins/problems.ts';
export { createMetrics, type MetricsSources } from './metrics.ts';
export { buildOpsApp, type OpsAppOptions } from './opsApp.ts';
export { createStoreTimings, timedEventStore, timedReadModels, type StoreTimings } from './storeTimings.ts';
