import { createContract } from '@roc-ledger/events';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { replayAll } from '@roc-ledger/projections';
import { customerView } from '@roc-ledger/customer-view';
const store = getSqliteEventStore({ path: '/tmp/demo20k/events.db', contract: createContract({ reportingCurrency: 'EUR' }) });
const t = performance.now();
const r = await replayAll(store, customerView, {}, { upTo: 150000, commitEvery: 10000 });
console.log('s', (performance.now() - t) / 1000);
