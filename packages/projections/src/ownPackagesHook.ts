// Preloaded (--import) into a process that runs an analyst's files, such as each test file of
// `roc-ledger project test`: their `@roc-ledger/…` imports resolve to this installation.
import { makeOwnPackagesResolvable } from './loadModule.ts';

makeOwnPackagesResolvable();
