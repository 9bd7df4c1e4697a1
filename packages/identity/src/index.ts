export { derivedUuid, keyedUuid } from './derivedIds.ts';
export { IdentifierRefusedError, IdentityErrorCode } from './errors.ts';
export { createNormalizer, DEFAULT_NORMALIZATION, identifierKey, type NormalizationConfig, type Normalizer } from './normalize.ts';
export { IdentityResolver, RESOLVER_PERSONAL_DATA, RESOLVER_TYPES, type PlanOptions, type ResolutionPlan, type ResolvedEvent } from './resolver.ts';
export { parseCustomerRef } from './parseRef.ts';
export { MergeMap, type MergeRecord } from './mergeMap.ts';
export { inCut, timesOf, type LogCut } from './linkHistory.ts';
