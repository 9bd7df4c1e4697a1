// A projector process for crash tests: keeps customer-view and trust-score current over a ledger.
//   <db> <readmodels.db> <commitEvery>   prints DONE <position> once caught up with the head, then idles
import { writeSync } from 'node:fs';
import { customerView } from '@roc-ledger/customer-view';
import { getSqliteReadModelStore, ProjectionRuntime } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { openStore } from './tempLedger.ts';

const [dbPath, readModelsPath, commitEvery] = process.argv.slice(2);
const store = openStore(dbPath!);
const readModels = getSqliteReadModelStore(readModelsPath!);
const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore], commitEvery: Number(commitEvery) });
await runtime.start();
const head = await store.head();
await runtime.waitFor(head.position);
writeSync(1, `DONE ${head.position}\n`);
await new Promise(() => {});
