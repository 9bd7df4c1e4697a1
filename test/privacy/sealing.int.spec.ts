import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7, type EventInput } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { chainHash, customerStreamId, verifyLog } from '@roc-ledger/ledger';
import { collect } from '@roc-ledger/ledger/testing';
import { createPersonalDataGuard, eraseCustomer, getFileKeyStore, isSealed, PrivacyErrorCode } from '@roc-ledger/privacy';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { contract, tamper, tempDataDir } from '../support/tempLedger.ts';

let at = Date.parse('2025-05-01T09:00:00Z');
const event = (customer: EventInput['customer'], type: string, data: unknown): EventInput =>
  contract.parse({ eventId: uuidv7(), type, schemaVersion: 1, customer, channel: 'web', source: 'test', occurredAt: new Date((at += 60_000)).toISOString(), data }) as EventInput;

describe('sealed personal data', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());
  const keys = getFileKeyStore({ path: join(temp.dir, 'keys.db') });
  const store = getSqliteEventStore({ path: temp.dbPath, contract, personalData: createPersonalDataGuard(keys) });

  it('is sealed in the stored bytes, opened on every read, and a retry of the same event is still an idempotent repeat', async () => {
    const profile = event({ kind: 'customerId', value: 'C1' }, 'ProfileUpdated', { givenName: 'Sealina', address: { line1: 'Lane 1', city: 'Town', postalCode: '123', country: 'FR' } });
    await store.append('customer-C1', [profile]);
    const again = await store.append('customer-C1', [profile]);
    expect(again.events[0]!.duplicate).toBe(true);

    const [record] = await collect(store.readStoredRecords());
    const stored = JSON.parse(record!.body);
    expect(isSealed(stored.data.givenName)).toBe(true);
    expect(isSealed(stored.data.address.city)).toBe(true);
    expect(stored.data.address.country).toBe('FR'); // not personal: in clear
    expect(record!.body).not.toContain('Sealina');
    expect((await store.readStream('customer-C1')).events[0]!.data).toEqual(profile.data);
    const [read] = await collect(store.readAll());
    expect(read!.data).toEqual(profile.data);
  });

  it('detects a sealed value moved from one event to another, even with the chain recomputed around it', async () => {
    await store.append('customer-C1', [event({ kind: 'customerId', value: 'C1' }, 'ProfileUpdated', { givenName: 'Other' })]);
    const records = await collect(store.readStoredRecords());
    const sealedFirst = JSON.parse(records[0]!.body).data.givenName as string;
    const second = JSON.parse(records[1]!.body);
    second.data.givenName = sealedFirst;
    const forged = JSON.stringify(second);
    tamper(temp.dbPath, 'UPDATE events SET body = ?, hash = ? WHERE global_position = 2', forged, chainHash(records[0]!.hash, forged));
    expect((await verifyLog(store.readStoredRecords())).ok).toBe(true); // the chain alone, recomputed, no longer tells
    await expect(store.readStream('customer-C1')).rejects.toMatchObject({ code: PrivacyErrorCode.sealBroken, message: expect.stringContaining(`sealed value at data.givenName of event ${second.eventId}`) });
    tamper(temp.dbPath, 'UPDATE events SET body = ?, hash = ? WHERE global_position = 2', records[1]!.body, records[1]!.hash);
  });

  it("erasing a survivor destroys every merged customer's key, and their personal data reads as erased", async () => {
    const ingestor = await Ingestor.open({ store, contract });
    const a = await ingestor.ingest(event({ kind: 'email', value: 'merge.a@example.org' }, 'ProfileUpdated', { familyName: 'Mergerly' }));
    const b = await ingestor.ingest(event({ kind: 'email', value: 'merge.b@example.org' }, 'ProfileUpdated', { familyName: 'Bergerly' }));
    const linked = await ingestor.ingest(event({ kind: 'email', value: 'merge.a@example.org' }, 'IdentifierLinked', { identifier: { kind: 'email', value: 'merge.b@example.org' }, verified: true }));
    expect(linked.identityEvents).toContain('CustomersMerged');
    const survivor = linked.customerId;
    expect([a.customerId, b.customerId]).toContain(survivor);

    const result = await eraseCustomer({ keys, store, ingestor }, { customerId: survivor, basis: 'legal-order' });
    expect([...result.destroyedKeys].sort()).toEqual([a.customerId, b.customerId].sort());
    for (const id of [a.customerId, b.customerId]) {
      const text = JSON.stringify((await store.readStream(customerStreamId(id))).events);
      expect(text).not.toMatch(/Mergerly|Bergerly|merge\.[ab]@example\.org/);
      expect(text).toContain('[erased]');
    }
    expect((await verifyLog(store.readStoredRecords())).ok).toBe(true);
    // Publishers cannot claim an erasure: only the ledger records CustomerErased.
    await expect(ingestor.ingest(event({ kind: 'customerId', value: 'C1' }, 'CustomerErased', { basis: 'other', members: ['C1'] }))).rejects.toMatchObject({ code: 'INGEST_ERR_RESERVED_TYPE' });
  });

  it('refuses to open sealed data with a key store that never held its key', async () => {
    const stranger = getSqliteEventStore({ path: temp.dbPath, contract, personalData: createPersonalDataGuard(getFileKeyStore({ path: join(temp.dir, 'other-keys.db') })) });
    await expect(stranger.readStream('customer-C1')).rejects.toMatchObject({ code: PrivacyErrorCode.keyMissing });
    await stranger.close();
  });

  it('opens only the types a read asks for: the other events come out with their personal values still sealed', async () => {
    const profile = event({ kind: 'customerId', value: 'C9' }, 'ProfileUpdated', { givenName: 'Sealina' });
    const note = event({ kind: 'customerId', value: 'C9' }, 'SentimentRecorded', { score: 1, agentId: 'agent-1', note: 'Told me about Sealina' });
    await store.append('customer-C9', [profile, note]);
    const read = async (openPersonalData?: string[]) => {
      const events = await collect(store.readAll({ streamPrefix: 'customer-C9', ...(openPersonalData ? { openPersonalData } : {}) }));
      return Object.fromEntries(events.map((e) => [e.type, e.data as Record<string, unknown>]));
    };
    const some = await read(['ProfileUpdated']);
    expect(some.ProfileUpdated!.givenName).toBe('Sealina');
    expect(isSealed(some.SentimentRecorded!.note)).toBe(true);
    const none = await read([]);
    expect(isSealed(none.ProfileUpdated!.givenName)).toBe(true);
    expect(isSealed(none.SentimentRecorded!.note)).toBe(true);
    const all = await read();
    expect([all.ProfileUpdated!.givenName, all.SentimentRecorded!.note]).toEqual(['Sealina', 'Told me about Sealina']);
  });

  it("gives an erased customer's identifier, when it comes back, to a new customer, also after a restart", async () => {
    const ingestor = await Ingestor.open({ store, contract });
    const byEmail = { kind: 'email', value: 'returning.sealed@example.org' } as const;
    const first = await ingestor.ingest(event(byEmail, 'ProfileUpdated', { givenName: 'Returnia' }));
    await eraseCustomer({ keys, store, ingestor }, { customerId: first.customerId, basis: 'customer-request' });
    // The identifier's own customer id belongs to the forgotten customer, whose key seals nothing more.
    const back = await ingestor.ingest(event(byEmail, 'ProfileUpdated', { givenName: 'Returnia' }));
    expect(back.customerId).not.toBe(first.customerId);
    expect(back.identityEvents).toEqual(['CustomerRegistered', 'IdentifierLinked']);
    expect((await store.readStream(back.streamId)).events.at(-1)!.data).toEqual({ givenName: 'Returnia' });
    const restarted = await Ingestor.open({ store, contract });
    expect(restarted.resolver.resolve(byEmail)).toBe(back.customerId);
    expect((await restarted.ingest(event(byEmail, 'InteractionRecorded', { kind: 'visit', initiatedBy: 'customer' }))).customerId).toBe(back.customerId);
  });
});
