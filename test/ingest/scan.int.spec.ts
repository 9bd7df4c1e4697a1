import { afterEach, describe, expect, it } from 'vitest';
import type { EventInput } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import type { EventStore } from '@roc-ledger/ledger';
import { collect, interaction } from '@roc-ledger/ledger/testing';
import { contract, openStore, tempDataDir } from '../support/tempLedger.ts';

const NOW = new Date('2025-06-01T12:00:00Z');
const byEmail = (value: string): EventInput => interaction('ignored', { customer: { kind: 'email', value } as never, occurredAt: '2025-05-01T10:00:00Z' });

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const storeWithEvents = async (count: number): Promise<EventStore> => {
  const temp = tempDataDir();
  const store = openStore(temp.dbPath, () => NOW);
  cleanup = async () => (await store.close(), temp.cleanup());
  const ingestor = await Ingestor.open({ store, contract, clock: () => NOW });
  for (let i = 0; i < count; i++) await ingestor.ingest(byEmail(`person.${i % 7}@example.com`));
  return store;
};

describe('a scan of the log with the store cache held small (the SQLite store)', () => {
  it('gives the read its events as any read, returns what it returns, and the store reads and appends on as before', async () => {
    const store = await storeWithEvents(30);
    const outside = await collect(store.readAll());
    const inside = await store.scan!(async () => collect(store.readAll()));
    expect(inside).toEqual(outside);
    await store.append('customer-after', [interaction('after')]);
    expect((await collect(store.readAll())).length).toBe(outside.length + 1);
  });

  it("fails with the read's own error, and the store carries on", async () => {
    const store = await storeWithEvents(3);
    await expect(store.scan!(async () => Promise.reject(new Error('the read failed')))).rejects.toThrow('the read failed');
    await store.append('customer-after', [interaction('after')]);
    expect((await store.readStream('customer-after')).events).toHaveLength(1);
  });
});

describe('Ingestor.open', () => {
  it('folds the identity index in one scan of the store, to the same answers', async () => {
    const store = await storeWithEvents(14);
    const expected = (await Ingestor.open({ store, contract, clock: () => NOW })).resolver.lookup({ kind: 'email', value: 'person.3@example.com' });
    let scans = 0;
    const counted: EventStore = { ...store, scan: (read) => (scans++, store.scan!(read)) };
    const ingestor = await Ingestor.open({ store: counted, contract, clock: () => NOW });
    expect(scans).toBe(1);
    expect(expected).toBeDefined();
    expect(ingestor.resolver.lookup({ kind: 'email', value: 'person.3@example.com' })).toBe(expected);
  });
});
