import { randomUUID } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import { connectEventStoreDb, getEventStoreDbEventStore } from '@roc-ledger/store-eventstoredb';
import { runEventStoreConformance } from '@roc-ledger/ledger/testing';
import { eventStoreDbForTests } from '../support/eventstoredb.ts';

const server = await eventStoreDbForTests();

if ('notRun' in server) {
  console.warn(`EventStoreDB conformance did not run: ${server.notRun}`);
  describe.skip('EventStore conformance: eventstoredb (real server)', () => {
    it(`did not run: ${server.notRun}`, () => undefined);
  });
} else {
  afterAll(() => server.stop());
  // Each test gets its own namespace in the one database, so none sees another's log.
  runEventStoreConformance('eventstoredb (real server)', async ({ contract, clock }) => ({
    store: getEventStoreDbEventStore({ client: connectEventStoreDb(server.url), namespace: randomUUID(), contract, clock, pollIntervalMs: 20 }),
  }));
}
