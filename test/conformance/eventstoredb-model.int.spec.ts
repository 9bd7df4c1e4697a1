import { getEventStoreDbEventStore } from '@roc-ledger/store-eventstoredb';
import { ModelEventStoreDbServer } from '@roc-ledger/store-eventstoredb/testing';
import { runEventStoreConformance } from '@roc-ledger/ledger/testing';

// The store's own logic against a model of the server; eventstoredb.int.spec.ts runs the same suite against a real one.
runEventStoreConformance('eventstoredb (model of the server)', async ({ contract, clock }) => ({
  store: getEventStoreDbEventStore({ client: new ModelEventStoreDbServer().client(), contract, clock, pollIntervalMs: 20 }),
}));
