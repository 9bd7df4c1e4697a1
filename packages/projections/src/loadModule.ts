import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineProjection, type ProjectionDefinition } from './definition.ts';
import { ProjectionModuleError } from './errors.ts';

const looksLikeDefinition = (value: unknown): value is ProjectionDefinition<unknown> =>
  typeof value === 'object' && value !== null && 'name' in value && 'handlers' in value && 'consumes' in value;

/** Imports an analyst's module (.ts runs directly on Node 24) and returns the definition it exports (default, or a single named export). */
export const loadProjectionModule = async (path: string): Promise<ProjectionDefinition<unknown>> => {
  const absolute = resolve(path);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ProjectionModuleError(absolute, `cannot be imported: ${(error as Error).message}`);
  }
  const candidates = looksLikeDefinition(module.default) ? [module.default] : Object.values(module).filter(looksLikeDefinition);
  if (candidates.length !== 1) {
    throw new ProjectionModuleError(absolute, candidates.length === 0 ? 'exports no projection definition (export default defineProjection({...}))' : 'exports several definitions; export one as default');
  }
  return defineProjection(candidates[0]!);
};
