// A projector process for crash tests: keeps customer-view and trust-score current over a ledger.
//   <db> <readmodels.db> <commitEvery> [threads]   prints DONE <position> once caught up with the head, then idles
//   (with `threads`, the rebuild runs on two backfill threads, a shard of the customers each, as serve's does)
import { writeSync } from 'node:fs';
import { customerView } from '@roc-ledger/customer-view';
import { getSqliteReadModelStore, ProjectionRuntime } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import type { TestBackfillData } from './backfillContext.ts';
import { openStore } from './tempLedger.ts';

const [dbPath, readModelsPath, commitEvery, threads] = process.argv.slice(2);
const store = openStore(dbPath!);
const readModels = getSqliteReadModelStore(readModelsPath!);
const data: TestBackfillData = { dbPath: dbPath!, readModelsPath: readModelsPath!, unsealed: true };
const backfill = threads === 'threads' ? { backfill: { module: import.meta.resolve('./backfillContext.ts'), data, minEvents: 1, threads: 2 } } : {};
const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore], commitEvery: Number(commitEvery), ...backfill });
await runtime.start();
const head = await store.head();
await runtime.waitFor(head.position);
writeSync(1, `DONE ${head.position}\n`);
await new Promise(() => {});
