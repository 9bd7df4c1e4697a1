import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { runEventStoreConformance } from '@roc-ledger/ledger/testing';

runEventStoreConformance('in-memory', async ({ contract, clock }) => ({ store: getInMemoryEventStore({ contract, clock }) }));
