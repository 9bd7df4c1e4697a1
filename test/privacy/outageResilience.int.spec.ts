import { afterAll, describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { EquityTracker } from '@roc-ledger/customer-equity';
import { uuidv7, type EventInput } from '@roc-ledger/events';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { createPersonalDataGuard, getFileKeyStore, KeyStoreUnavailableError, type KeyStore } from '@roc-ledger/privacy';
import { defineProjection, getSqliteReadModelStore, ProjectionRuntime } from '@roc-ledger/projections';
import { contract, tempDataDir } from '../support/tempLedger.ts';
import { ApiKeyRing, buildApp, createApiKey } from '@roc-ledger/api';
import { Ingestor } from '@roc-ledger/ingest';

/** The file key store behind a switch: while `down`, every call fails as an unreachable store would. */
const switchable = (inner: KeyStore) => {
  const state = { down: false, refused: 0 };
  const guard = <T>(call: () => Promise<T>): Promise<T> => {
    if (!state.down) return call();
    state.refused++;
    return Promise.reject(new KeyStoreUnavailableError('switched off by the test'));
  };
  const keys: KeyStore = {
    get: (ids) => guard(() => inner.get(ids)),
    getOrCreate: (id) => guard(() => inner.getOrCreate(id)),
    destroy: (ids) => guard(() => inner.destroy(ids)),
    close: () => inner.close(),
  };
  return { keys, state };
};

describe('a key-store outage, for readers', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('wait it out and resume after the last event they read; readers that open nothing personal carry on', async () => {
    const { keys, state } = switchable(getFileKeyStore({ path: `${temp.dir}/keys.db` }));
    const store = getInMemoryEventStore({ contract, personalData: createPersonalDataGuard(keys) });
    // A customer named by e-mail: the reference is personal, so each event is sealed.
    const envelope = (n: number) => ({ eventId: uuidv7(), schemaVersion: 1, customer: { kind: 'email', value: 'outage.buyer@example.org' }, channel: 'web', source: 'test', occurredAt: `2025-02-0${n}T10:00:00Z` }) as const;
    const purchase = (n: number) => contract.parse({ ...envelope(n), type: 'PurchaseMade', schemaVersion: 2, data: { orderId: `o-${n}`, amount: { minor: 1000 * n, currency: 'EUR' } } }) as EventInput;
    const profile = contract.parse({ ...envelope(4), type: 'ProfileUpdated', data: { givenName: 'Outagia' } }) as EventInput;
    await store.append('customer-OB1', [purchase(1), purchase(2), purchase(3), profile]);
    const head = (await store.head()).position;
    // A projection that reads a personal value as it folds: it needs the customer's key.
    const names = defineProjection<{ givenName: string | null }>({
      name: 'given-names',
      version: 1,
      consumes: ['ProfileUpdated'],
      personalData: ['ProfileUpdated'],
      initialState: { givenName: null },
      handlers: { ProfileUpdated: (draft, event) => void (draft.givenName = event.data.givenName ?? draft.givenName) },
    });

    state.down = true;
    const reading = new ProjectionRuntime({ store, readModels: getSqliteReadModelStore(':memory:'), definitions: [names] });
    // customer-view keeps the profile by reference: it folds without keys, and needs them only to answer.
    const keeping = new ProjectionRuntime({ store, readModels: getSqliteReadModelStore(':memory:'), definitions: [customerView] });
    const tracker = new EquityTracker({ store, path: ':memory:', minIntervalMs: 0 });
    await reading.start();
    await keeping.start();
    tracker.start();
    // The equity series reads amounts only, never a personal value: it needs no key and keeps up.
    await tracker.waitFor(head);
    expect(tracker.series().reduce((sum, p) => sum + p.cashFlow, 0)).toBe(60);
    await keeping.waitFor(head);
    await expect(keeping.query('customer-view', 'OB1')).rejects.toBeInstanceOf(KeyStoreUnavailableError);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(state.refused).toBeGreaterThan(2); // the reading runtime tried, and tried again
    expect((await reading.status())[0]).toMatchObject({ position: 0 });
    state.down = false;

    await reading.waitFor(head);
    expect((await reading.query('given-names', 'OB1'))!.result).toEqual({ givenName: 'Outagia' });
    const view = (await keeping.query('customer-view', 'OB1'))!.result as { purchases: { count: number; minor: number }; profile: { givenName: string } };
    expect(view.purchases).toEqual(expect.objectContaining({ count: 3, minor: 6000 }));
    expect(view.profile.givenName).toBe('Outagia');
    await reading.stop();
    await keeping.stop();
    await tracker.stop();
  });

  it('answers a read that needs keys with 503 and neither the plaintext nor the ciphertext', async () => {
    const { keys, state } = switchable(getFileKeyStore({ path: `${temp.dir}/keys-http.db` }));
    const store = getInMemoryEventStore({ contract, personalData: createPersonalDataGuard(keys) });
    const ingestor = await Ingestor.open({ store, contract });
    const reader = createApiKey('reader', 'Reader', ['read']);
    const app = await buildApp({ store, contract, ingestor, keys: new ApiKeyRing([reader.record]), logger: false });
    try {
      const { customerId } = await ingestor.ingest(
        contract.parse({ eventId: uuidv7(), type: 'ProfileUpdated', schemaVersion: 1, customer: { kind: 'email', value: 'read.outage@example.org' }, channel: 'web', source: 'test', occurredAt: '2025-02-01T10:00:00Z', data: { givenName: 'Readoutina' } }),
      );
      const history = () => app.inject({ method: 'GET', url: `/v1/customers/${customerId}/history`, headers: { authorization: `Bearer ${reader.key}` } });
      expect((await history()).body).toContain('Readoutina');
      state.down = true;
      const refused = await history();
      expect(refused.statusCode).toBe(503);
      expect(refused.json()).toMatchObject({ code: 'PRIVACY_ERR_KEYSTORE_UNAVAILABLE' });
      expect(refused.body).not.toContain('Readoutina');
      expect(refused.body).not.toContain('pd1:');
      state.down = false;
      expect((await history()).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
