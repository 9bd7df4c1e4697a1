import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '@roc-ledger/events';
import { derivedUuid, keyedUuid } from '@roc-ledger/identity';
import { Ingestor } from '@roc-ledger/ingest';
import { collect, interaction } from '@roc-ledger/ledger/testing';
import { createPersonalDataGuard, CUSTOMER_ID_KEY_ID, customerIdKey, eraseCustomer, getFileKeyStore, KeyStoreUnavailableError, PrivacyErrorCode } from '@roc-ledger/privacy';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { contract, tempDataDir } from '../support/tempLedger.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const byEmail = (value: string): EventInput => interaction('ignored', { customer: { kind: 'email', value } as never, occurredAt: '2025-05-01T10:00:00Z' });
const byId = (value: string): EventInput => interaction('ignored', { customer: { kind: 'customerId', value } as never, occurredAt: '2025-05-01T10:00:00Z' });
/** What anyone holding the address could compute: the id the ledger gave before ids were keyed. */
const unkeyedId = (email: string) => derivedUuid(`customer/email:${email}`);

/** A writer process as `serve` opens one: its own connections to the ledger's event store and key store. */
const writer = (dir: string) => {
  const keys = getFileKeyStore({ path: join(dir, 'keys.db') });
  const store = getSqliteEventStore({ path: join(dir, 'events.db'), contract, personalData: createPersonalDataGuard(keys), clock: () => NOW });
  return { keys, store, close: async () => (await store.close(), await keys.close()) };
};

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});
const ledger = () => {
  const temp = tempDataDir();
  cleanups.push(() => temp.cleanup());
  return temp.dir;
};
const open = (dir: string) => {
  const w = writer(dir);
  cleanups.push(w.close);
  return w;
};

describe("customer ids derived under the ledger's secret", () => {
  it('gives a new customer named by an e-mail an id the address alone does not lead to, and the same id in every writer of the ledger', async () => {
    const dir = ledger();
    const [a, b] = [open(dir), open(dir)];
    const [api, kafka] = await Promise.all([a, b].map(({ keys, store }) => Ingestor.open({ store, contract, clock: () => NOW, otherWriters: true, customerIdKey: () => customerIdKey(keys) })));
    const [web, till] = await Promise.all([api!.ingest(byEmail('new.person@example.com')), kafka!.ingest(byEmail('New.Person@Example.com'))]);
    expect(till.customerId).toBe(web.customerId);
    expect(await collect(a.store.readAll({ types: ['CustomerRegistered'] }))).toHaveLength(1);
    expect(web.customerId).not.toBe(unkeyedId('new.person@example.com'));
    const secret = await customerIdKey(a.keys);
    expect(web.customerId).toBe(keyedUuid(secret, 'customer/email:new.person@example.com'));
  });

  it("gives the same person another id in another ledger, whose secret is its own", async () => {
    const ids = [];
    for (const dir of [ledger(), ledger()]) {
      const { keys, store } = open(dir);
      const ingestor = await Ingestor.open({ store, contract, clock: () => NOW, customerIdKey: () => customerIdKey(keys) });
      ids.push((await ingestor.ingest(byEmail('ana@example.com'))).customerId);
    }
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('keeps the secret when a customer is erased, and their id stays no clue to their address', async () => {
    const dir = ledger();
    const { keys, store } = open(dir);
    // The ledger's own clock: the erasure happens now.
    const ingestor = await Ingestor.open({ store, contract, customerIdKey: () => customerIdKey(keys) });
    const ana = await ingestor.ingest(byEmail('ana@example.com'));
    const secret = await customerIdKey(keys);
    await eraseCustomer({ keys, store, ingestor }, { customerId: ana.customerId, basis: 'customer-request' });
    expect((await keys.get([CUSTOMER_ID_KEY_ID, ana.customerId])).get(ana.customerId)).toBe('destroyed');
    expect(Buffer.from(await customerIdKey(keys)).equals(Buffer.from(secret))).toBe(true);
    expect((await store.readStream(`customer-${ana.customerId}`)).events.at(-1)!.type).toBe('CustomerErased');
    expect(ana.customerId).not.toBe(unkeyedId('ana@example.com'));
  });

  it('asks for the secret only for events naming a customer by an identifier, and again after a failure', async () => {
    const dir = ledger();
    const { keys, store } = open(dir);
    let asked = 0;
    const source = async () => {
      asked++;
      if (asked === 1) throw new KeyStoreUnavailableError('locked by a test');
      return customerIdKey(keys);
    };
    const ingestor = await Ingestor.open({ store, contract, clock: () => NOW, customerIdKey: source });
    await ingestor.ingest(byId('C1'));
    expect(asked).toBe(0);
    const head = (await store.head()).position;
    await expect(ingestor.ingest(byEmail('ana@example.com'))).rejects.toMatchObject({ code: PrivacyErrorCode.keyStoreUnavailable, retriable: true });
    expect((await store.head()).position).toBe(head); // nothing of the refused event stored
    const ana = await ingestor.ingest(byEmail('ana@example.com'));
    await ingestor.ingest(byEmail('bo@example.com'));
    expect(asked).toBe(2);
    expect(ana.customerId).toBe(keyedUuid(await customerIdKey(keys), 'customer/email:ana@example.com'));
  });

  it('refuses, retriably, to give ids once the secret is marked destroyed', async () => {
    const { keys } = open(ledger());
    await customerIdKey(keys);
    await keys.destroy([CUSTOMER_ID_KEY_ID]);
    await expect(customerIdKey(keys)).rejects.toMatchObject({ code: PrivacyErrorCode.ledgerSecretDestroyed, retriable: true, message: expect.stringContaining(CUSTOMER_ID_KEY_ID) });
  });
});
