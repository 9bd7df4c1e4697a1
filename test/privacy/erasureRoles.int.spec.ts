import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, buildApp, createApiKey } from '@roc-ledger/api';
import { customerView } from '@roc-ledger/customer-view';
import { Ingestor } from '@roc-ledger/ingest';
import { createPersonalDataGuard, getFileKeyStore } from '@roc-ledger/privacy';
import { ProjectionRuntime } from '@roc-ledger/projections';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { postgresReadModels } from '../support/postgres.ts';
import { contract, tempDataDir } from '../support/tempLedger.ts';
import { byEmail, webEvent } from '../support/webEvents.ts';

const temp = tempDataDir();
const postgres = postgresReadModels();
afterAll(async () => {
  await postgres.cleanup();
  temp.cleanup();
});

describe('erasure through an API service that folds no projection', () => {
  it('answers readModels pending when no projector refolds in time, and refolded once one has', async () => {
    const keys = getFileKeyStore({ path: join(temp.dir, 'keys.db') });
    const store = getSqliteEventStore({ path: temp.dbPath, contract, personalData: createPersonalDataGuard(keys) });
    const readModels = await postgres.open();
    const ingestor = await Ingestor.open({ store, contract });
    const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView], folds: 'none' });
    await runtime.start();
    const admin = createApiKey('ops', 'Operations', ['admin']);
    const app = await buildApp({ store, contract, ingestor, keys: new ApiKeyRing([admin.record]), projections: { runtime, readModels }, personalDataKeys: keys, erasureRefoldWaitMs: 300, logger: false, dashboard: false });
    const erase = async (customer: string) => (await app.inject({ method: 'DELETE', url: `/v1/customers/${customer}/personal-data`, headers: { authorization: `Bearer ${admin.key}` } })).json();
    const projector = new ProjectionRuntime({ store, readModels, definitions: [customerView] });
    try {
      await ingestor.ingest(webEvent(byEmail('zoe@example.com'), 'ProfileUpdated', { givenName: 'Zoë' }));
      // The projector services are down: nothing refolds the states, and the answer says so.
      const first = await erase('email:zoe@example.com');
      expect(first).toMatchObject({ alreadyErased: false, readModels: 'pending' });
      // A projector comes up and folds the erasure: the next answer can say refolded.
      await projector.start();
      expect(await erase(first.customerId)).toMatchObject({ alreadyErased: true, readModels: 'refolded' });
      expect(JSON.stringify((await readModels.load('customer-view@3', first.customerId))?.state)).not.toContain('Zoë');
    } finally {
      await app.close();
      await projector.stop();
      await runtime.stop();
      await store.close();
      await keys.close();
    }
  });
});
