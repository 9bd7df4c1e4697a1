import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { getSqliteReadModelStore, ProjectionRuntime, stateHash } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { verifyLog, type EventStore } from '@roc-ledger/ledger';
import { collect } from '@roc-ledger/ledger/testing';
import { getEventStoreDbEventStore } from '@roc-ledger/store-eventstoredb';
import { ModelEventStoreDbServer } from '@roc-ledger/store-eventstoredb/testing';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { contract, openStore, tempDataDir } from '../support/tempLedger.ts';

// The same history ingested through the same code into the embedded store and the EventStoreDB
// store (over the model of the server) gives the same log, byte for byte, and the same views.
const temp = tempDataDir();
let sqlite: EventStore;
let esdb: EventStore;

const fold = async (store: EventStore) => {
  const readModels = getSqliteReadModelStore(':memory:');
  const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore] });
  await runtime.start();
  await runtime.waitFor((await store.head()).position);
  await runtime.stop();
  const hashes = [await stateHash(readModels, 'customer-view@3'), await stateHash(readModels, 'trust-score@103')];
  await readModels.close();
  return hashes;
};

beforeAll(async () => {
  const demo = { customers: 40, years: 1, seed: 'same-behaviour' };
  const sqliteClock: SimClock = { now: new Date(0) };
  sqlite = openStore(temp.dbPath, () => sqliteClock.now);
  await loadDemo(sqlite, sqliteClock, demo);
  const esdbClock: SimClock = { now: new Date(0) };
  esdb = getEventStoreDbEventStore({ client: new ModelEventStoreDbServer().client(), contract, clock: () => esdbClock.now, pollIntervalMs: 20 });
  await loadDemo(esdb, esdbClock, demo);
}, 120_000);
afterAll(async () => {
  await sqlite.close();
  await esdb.close();
  temp.cleanup();
});

describe('the EventStoreDB store beside the embedded one', () => {
  it('stores the same history as the same chain, to the same head hash', async () => {
    const [a, b] = [await sqlite.head(), await esdb.head()];
    expect(a.position).toBeGreaterThan(500);
    expect(b).toEqual(a);
    expect((await verifyLog(esdb.readStoredRecords())).ok).toBe(true);
  });

  it('answers a customer\'s stream the same', async () => {
    const [first] = await collect(sqlite.readAll({ types: ['CustomerRegistered'], maxCount: 1 }));
    const [a, b] = [await sqlite.readStream(first!.streamId), await esdb.readStream(first!.streamId)];
    expect(b.events.length).toBeGreaterThan(1);
    expect(b).toEqual(a);
  });

  it('folds the customer view and the trust score to the same states', async () => {
    expect(await fold(esdb)).toEqual(await fold(sqlite));
  });
});
