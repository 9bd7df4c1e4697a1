import { describe, expect, it } from 'vitest';
import { createContract, type EventInput } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { collect, interaction } from '@roc-ledger/ledger/testing';

const contract = createContract({ reportingCurrency: 'EUR' });
const NOW = new Date('2025-06-01T12:00:00Z');

const setup = async () => {
  const store = getInMemoryEventStore({ contract, clock: () => NOW });
  const ingestor = await Ingestor.open({ store, contract, clock: () => NOW });
  return { store, ingestor };
};

const by = (kind: 'email' | 'phone' | 'loyaltyCard' | 'webVisitorId' | 'customerId', value: string, overrides: Partial<EventInput> = {}): EventInput =>
  interaction('ignored', { customer: { kind, value } as never, occurredAt: '2025-05-01T10:00:00Z', ...overrides });

const link = (ref: EventInput['customer'], identifier: { kind: 'email' | 'loyaltyCard' | 'webVisitorId' | 'phone'; value: string }): EventInput =>
  ({ ...interaction('x'), customer: ref, type: 'IdentifierLinked', occurredAt: '2025-05-01T11:00:00Z', data: { identifier, verified: true } }) as EventInput;

const streamTypes = async (store: EventStore, streamId: string) => (await store.readStream(streamId)).events.map((e) => e.type);

describe('ingestion with identity resolution', () => {
  it('creates a customer for an unknown identifier, recording the registration and the link as events', async () => {
    const { store, ingestor } = await setup();
    const result = await ingestor.ingest(by('email', 'Ana.Berg@Example.com'));
    expect(result.identityEvents).toEqual(['CustomerRegistered', 'IdentifierLinked']);
    expect(await streamTypes(store, result.streamId)).toEqual(['CustomerRegistered', 'IdentifierLinked', 'InteractionRecorded']);
    const [, linked, stored] = (await store.readStream(result.streamId)).events;
    expect(linked!.data).toEqual({ identifier: { kind: 'email', value: 'ana.berg@example.com' }, verified: false });
    // The producer's own reference stays on the stored event.
    expect(stored!.customer).toEqual({ kind: 'email', value: 'Ana.Berg@Example.com' });
  });

  it('resolves the same identifier, however it is spelt, to the same customer', async () => {
    const { ingestor } = await setup();
    const first = await ingestor.ingest(by('email', 'ana.berg@example.com'));
    const second = await ingestor.ingest(by('email', '  ANA.BERG@example.com'));
    expect(second.customerId).toBe(first.customerId);
    expect(second.identityEvents).toEqual([]);
  });

  it('registers an unknown customer id on first contact, but not when the event is its registration', async () => {
    const { store, ingestor } = await setup();
    await ingestor.ingest(by('customerId', 'C1'));
    expect(await streamTypes(store, 'customer-C1')).toEqual(['CustomerRegistered', 'InteractionRecorded']);
    await ingestor.ingest({ ...by('customerId', 'C2'), type: 'CustomerRegistered', data: { origin: 'signup' } } as EventInput);
    expect(await streamTypes(store, 'customer-C2')).toEqual(['CustomerRegistered']);
  });

  it('links a new identifier presented by a known customer, and resolves it afterwards', async () => {
    const { ingestor } = await setup();
    const web = await ingestor.ingest(by('webVisitorId', 'wv-1'));
    await ingestor.ingest(link({ kind: 'webVisitorId', value: 'wv-1' }, { kind: 'loyaltyCard', value: 'LC-77' }));
    expect((await ingestor.ingest(by('loyaltyCard', 'lc77'))).customerId).toBe(web.customerId);
  });

  it('resolves an unknown reference that presents a known identifier to that identifier’s customer', async () => {
    const { ingestor } = await setup();
    const card = await ingestor.ingest(by('loyaltyCard', 'LC-5'));
    const login = await ingestor.ingest(link({ kind: 'webVisitorId', value: 'wv-new' }, { kind: 'loyaltyCard', value: 'LC-5' }));
    expect(login.customerId).toBe(card.customerId);
    expect(login.identityEvents).toEqual(['IdentifierLinked']);
    expect((await ingestor.ingest(by('webVisitorId', 'wv-new'))).customerId).toBe(card.customerId);
  });

  it('merges two customers shown to be one person into the one seen first, and records the merge', async () => {
    const { store, ingestor } = await setup();
    const older = await ingestor.ingest(by('webVisitorId', 'wv-9'));
    const younger = await ingestor.ingest(by('loyaltyCard', 'LC-9'));
    expect(younger.customerId).not.toBe(older.customerId);
    const merge = await ingestor.ingest(link({ kind: 'loyaltyCard', value: 'LC-9' }, { kind: 'webVisitorId', value: 'wv-9' }));
    expect(merge.identityEvents).toEqual(['CustomersMerged']);
    expect(merge.customerId).toBe(older.customerId);
    const [merged] = await collect(store.readAll({ types: ['CustomersMerged'] }));
    expect(merged).toMatchObject({ streamId: older.streamId, data: { survivorId: older.customerId, mergedId: younger.customerId } });
    expect((await ingestor.ingest(by('loyaltyCard', 'LC-9'))).customerId).toBe(older.customerId);
    expect((await ingestor.ingest(by('customerId', younger.customerId))).customerId).toBe(older.customerId);
  });

  it('gives the same answers when the resolver is rebuilt from the log', async () => {
    const { store, ingestor } = await setup();
    const refs = [by('webVisitorId', 'a'), by('loyaltyCard', 'B'), by('email', 'c@x.org'), by('phone', '030 555 1234')];
    for (const event of refs) await ingestor.ingest(event);
    await ingestor.ingest(link({ kind: 'loyaltyCard', value: 'B' }, { kind: 'webVisitorId', value: 'a' }));
    await ingestor.ingest(link({ kind: 'email', value: 'c@x.org' }, { kind: 'phone', value: '+49 30 5551234' }));
    const rebuilt = await Ingestor.open({ store, contract, clock: () => NOW });
    for (const { customer } of refs) {
      if (customer.kind === 'customerId') continue;
      expect(rebuilt.resolver.lookup(customer)).toBe(ingestor.resolver.lookup(customer));
    }
    expect(new Set(refs.map(({ customer }) => rebuilt.resolver.lookup(customer as never))).size).toBe(2);
  });

  it('stores a retried event once, including the identity events it caused', async () => {
    const { store, ingestor } = await setup();
    const event = by('email', 'retry@example.com');
    const first = await ingestor.ingest(event);
    const again = await ingestor.ingest(event);
    expect(again).toMatchObject({ duplicate: true, globalPosition: first.globalPosition, customerId: first.customerId, identityEvents: [] });
    expect((await store.head()).position).toBe(3);
  });

  it('acknowledges a retry whose customer was merged away since, at its original position', async () => {
    const { ingestor } = await setup();
    await ingestor.ingest(by('webVisitorId', 'old'));
    const event = by('loyaltyCard', 'LC-R');
    const first = await ingestor.ingest(event);
    await ingestor.ingest(link({ kind: 'loyaltyCard', value: 'LC-R' }, { kind: 'webVisitorId', value: 'old' }));
    const retry = await ingestor.ingest(event);
    expect(retry).toMatchObject({ duplicate: true, globalPosition: first.globalPosition, streamId: first.streamId });
  });

  it('creates exactly one customer when many events of a new identifier arrive at once', async () => {
    const { store, ingestor } = await setup();
    const results = await Promise.all(Array.from({ length: 50 }, () => ingestor.ingest(by('phone', '+49 30 9999999'))));
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    expect(await collect(store.readAll({ types: ['CustomerRegistered'] }))).toHaveLength(1);
    expect((await store.readStream(results[0]!.streamId)).events).toHaveLength(52);
  });

  it('refuses events dated further ahead than the allowed skew, and accepts those within it', async () => {
    const { ingestor } = await setup();
    const ahead = (ms: number) => by('customerId', 'C1', { occurredAt: new Date(NOW.getTime() + ms).toISOString() });
    await expect(ingestor.ingest(ahead(10 * 60_000))).rejects.toMatchObject({ code: 'INGEST_ERR_OCCURRED_IN_FUTURE' });
    await expect(ingestor.ingest(ahead(60_000))).resolves.toMatchObject({ duplicate: false });
  });

  it('refuses a channel the publisher may not publish, and junk identifiers, storing nothing', async () => {
    const { store, ingestor } = await setup();
    await expect(ingestor.ingest(by('customerId', 'C1', { channel: 'store' }), { allowedChannels: ['web'] })).rejects.toMatchObject({ code: 'INGEST_ERR_CHANNEL_NOT_ALLOWED' });
    await expect(ingestor.ingest(by('email', 'null'))).rejects.toMatchObject({ code: 'IDENTITY_ERR_JUNK_IDENTIFIER', path: 'customer.value' });
    await expect(ingestor.ingest(link({ kind: 'customerId', value: 'C1' } as never, { kind: 'loyaltyCard', value: '0000' }))).rejects.toMatchObject({ path: 'data.identifier' });
    expect((await store.head()).position).toBe(0);
  });

  it('refuses an event id reused with other content', async () => {
    const { ingestor } = await setup();
    const event = by('customerId', 'C1');
    await ingestor.ingest(event);
    await expect(ingestor.ingest({ ...event, source: 'elsewhere' })).rejects.toMatchObject({ code: 'LEDGER_ERR_EVENT_ID_CONFLICT' });
  });
});
