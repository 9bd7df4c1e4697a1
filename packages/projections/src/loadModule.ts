import { registerHooks } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineProjection, type ProjectionDefinition } from './definition.ts';
import { ProjectionModuleError } from './errors.ts';

const looksLikeDefinition = (value: unknown): value is ProjectionDefinition<unknown> =>
  typeof value === 'object' && value !== null && 'name' in value && 'handlers' in value && 'consumes' in value;

const OWN_PACKAGES = '@roc-ledger/';
let ownPackagesResolvable = false;

/**
 * Lets a module outside this installation (an analyst's own folder, with no node_modules of its
 * own) import roc-ledger's packages: a `@roc-ledger/…` specifier that does not resolve from the
 * module is resolved from here, so it gets the very packages the runtime runs (one
 * defineProjection, one catalogue). Hooks are per thread; every thread that loads modules comes
 * here, as does each process of `project test` (ownPackagesHook.ts).
 */
export const makeOwnPackagesResolvable = (): void => {
  if (ownPackagesResolvable) return;
  ownPackagesResolvable = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if (!specifier.startsWith(OWN_PACKAGES)) throw error;
        return nextResolve(specifier, { ...context, parentURL: import.meta.url });
      }
    },
  });
};

/** Imports an analyst's module (.ts runs directly on Node 24) and returns the definition it exports (default, or a single named export). */
export const loadProjectionModule = async (path: string): Promise<ProjectionDefinition<unknown>> => {
  const absolute = resolve(path);
  makeOwnPackagesResolvable();
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
