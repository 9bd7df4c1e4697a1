import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { collect, interaction } from '@roc-ledger/ledger/testing';
import { contract, openStore, tempDataDir } from '../support/tempLedger.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const byEmail = (value: string): EventInput => interaction('ignored', { customer: { kind: 'email', value } as never, occurredAt: '2025-05-01T10:00:00Z' });

/** Two writers on one event store file, as a separate API service and Kafka-ingest service are. */
const twoWriters = async () => {
  const temp = tempDataDir();
  const stores = [openStore(temp.dbPath, () => NOW), openStore(temp.dbPath, () => NOW)] as const;
  const [api, kafka] = await Promise.all(stores.map((store) => Ingestor.open({ store, contract, clock: () => NOW, otherWriters: true })));
  return { temp, stores, api: api!, kafka: kafka! };
};

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('identity resolution with several writer processes', () => {
  it('registers a new person once when two writers meet them at the same moment', async () => {
    const { temp, stores, api, kafka } = await twoWriters();
    cleanup = async () => (await Promise.all(stores.map((s) => s.close())), temp.cleanup());
    const [web, till] = await Promise.all([api.ingest(byEmail('new.person@example.com')), kafka.ingest(byEmail('New.Person@Example.com'))]);
    expect(till.customerId).toBe(web.customerId);
    const registrations = await collect(stores[0].readAll({ types: ['CustomerRegistered'] }));
    expect(registrations).toHaveLength(1);
    expect((await stores[0].readStream(web.streamId)).events.map((e) => e.type).sort()).toEqual(['CustomerRegistered', 'IdentifierLinked', 'InteractionRecorded', 'InteractionRecorded']);
  });

  it('finds a customer another writer registered since, before registering anyone', async () => {
    const { temp, stores, api, kafka } = await twoWriters();
    cleanup = async () => (await Promise.all(stores.map((s) => s.close())), temp.cleanup());
    const first = await api.ingest(byEmail('ana@example.com'));
    const later = await kafka.ingest(byEmail('ana@example.com'));
    expect(later).toMatchObject({ customerId: first.customerId, identityEvents: [] });
  });

  it("gives a forgotten customer's identifier, when it comes back, to a new customer", async () => {
    const { temp, stores, api, kafka } = await twoWriters();
    cleanup = async () => (await Promise.all(stores.map((s) => s.close())), temp.cleanup());
    const first = await api.ingest(byEmail('gone@example.com'));
    const erased = { ...interaction('x'), type: 'CustomerErased', customer: { kind: 'customerId', value: first.customerId }, channel: 'system', occurredAt: '2025-05-02T10:00:00Z', data: { basis: 'customer-request', members: [first.customerId] } } as unknown as EventInput;
    await api.ingest(erased, { recordedByLedger: true });
    const back = await kafka.ingest(byEmail('gone@example.com'));
    expect(back.customerId).not.toBe(first.customerId);
    expect(back.identityEvents).toEqual(['CustomerRegistered', 'IdentifierLinked']);
  });
});
