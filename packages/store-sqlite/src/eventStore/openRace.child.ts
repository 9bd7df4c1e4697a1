// Opens new ledgers in turn, each at an instant shared with other processes running this script;
// sends the failures to the parent (concurrentOpen.int.spec.ts).
import { join } from 'node:path';
import { createContract } from '@roc-ledger/events';
import { getSqliteEventStore } from './getSqliteEventStore.ts';

const [dir, startAt, files, spacingMs] = process.argv.slice(2);
const contract = createContract({ reportingCurrency: 'EUR' });
const failures: string[] = [];
for (let i = 0; i < Number(files); i++) {
  // A busy wait, not a timer: the processes must open within the same millisecond or so.
  while (Date.now() < Number(startAt) + i * Number(spacingMs));
  try {
    const store = getSqliteEventStore({ path: join(dir!, `ledger-${i}.db`), contract });
    await store.head();
    await store.close();
  } catch (error) {
    failures.push(String(error));
  }
}
process.send!(failures);
