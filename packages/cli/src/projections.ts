import { join } from 'node:path';
import { customerView } from '@roc-ledger/customer-view';
import { getSqliteReadModelStore, loadProjectionModule, type ProjectionDefinition, type ReadModelStore } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';

/** The projections every ledger keeps current. */
export const BUILT_IN_PROJECTIONS: readonly ProjectionDefinition<any>[] = [customerView, trustScore];

/** A built-in projection by name, or an analyst's module by path. */
export const projectionFrom = async (nameOrPath: string): Promise<ProjectionDefinition<any>> =>
  BUILT_IN_PROJECTIONS.find((p) => p.name === nameOrPath) ?? loadProjectionModule(nameOrPath);

/** The read models of a data directory: readmodels.db beside events.db. */
export const openReadModels = (dataDir: string): ReadModelStore => getSqliteReadModelStore(join(dataDir, 'readmodels.db'));
