import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { runEventStoreConformance } from '@roc-ledger/ledger/testing';

runEventStoreConformance('sqlite', async ({ contract, clock }) => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-conformance-'));
  return {
    store: getSqliteEventStore({ path: join(dir, 'events.db'), contract, clock, pollIntervalMs: 20 }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
