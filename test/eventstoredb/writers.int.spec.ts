import { UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { createContract } from '@roc-ledger/events';
import { LedgerErrorCode, verifyLog, type EventStore } from '@roc-ledger/ledger';
import { collect, interaction } from '@roc-ledger/ledger/testing';
import { getEventStoreDbEventStore, LOG_STREAM } from '@roc-ledger/store-eventstoredb';
import { ModelEventStoreDbServer } from '@roc-ledger/store-eventstoredb/testing';
import { afterEach, describe, expect, it } from 'vitest';

// How the EventStoreDB store behaves with several writers and with failures between its writes,
// against the model of the server (the real one runs the conformance suite where Docker exists).
const contract = createContract({ reportingCurrency: 'EUR' });
let stores: EventStore[] = [];
const open = (server: ModelEventStoreDbServer, pollIntervalMs = 20, maxAppendAttempts?: number): EventStore => {
  const store = getEventStoreDbEventStore({ client: server.client(), contract, pollIntervalMs, ...(maxAppendAttempts ? { maxAppendAttempts } : {}) });
  stores.push(store);
  return store;
};
const codeOf = async (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string }) => error.code);

afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  stores = [];
});

describe('EventStoreDB store: several writers on one database', () => {
  it('gives dense positions and one unbroken chain when two processes append at once', async () => {
    const server = new ModelEventStoreDbServer();
    const [a, b] = [open(server), open(server)];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(`customer-${i % 5}`, [interaction(`${i % 5}`), interaction(`${i % 5}`)])),
    );
    const events = await collect(a.readAll());
    expect(events.map((event) => event.globalPosition)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect((await verifyLog(b.readStoredRecords())).ok).toBe(true);
    expect(server.conflicts).toBeGreaterThan(0);
    for (let c = 0; c < 5; c++) {
      const stream = await b.readStream(`customer-${c}`);
      expect(stream.events.map((event) => event.streamRevision)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    }
  });

  it('checks an expected revision against what other processes appended', async () => {
    const server = new ModelEventStoreDbServer();
    const [a, b] = [open(server), open(server)];
    await b.head();
    await a.append('customer-x', [interaction('x')], { expectedRevision: 'no_stream' });
    expect(await codeOf(b.append('customer-x', [interaction('x')], { expectedRevision: 'no_stream' }))).toBe(LedgerErrorCode.wrongExpectedRevision);
    expect(await codeOf(b.append('customer-x', [interaction('x')], { expectedRevision: 0 }))).toBe('no error');
  });

  it('finds an event id another process stored, and acknowledges the retry instead of storing it twice', async () => {
    const server = new ModelEventStoreDbServer();
    const [a, b] = [open(server), open(server)];
    const event = interaction('y');
    const first = await a.append('customer-y', [event]);
    const again = await b.append('customer-y', [event]);
    expect(again.events[0]).toMatchObject({ duplicate: true, globalPosition: first.events[0]!.globalPosition });
    expect(await codeOf(b.append('customer-z', [event]))).toBe(LedgerErrorCode.eventIdConflict);
    expect((await b.head()).position).toBe(1);
  });
});

describe('EventStoreDB store: failures between its writes', () => {
  it('acknowledges the retry of an append whose response was lost, storing it once', async () => {
    const server = new ModelEventStoreDbServer();
    const store = open(server);
    const events = [interaction('r'), interaction('r')];
    server.failNextAppend({ stream: LOG_STREAM, stored: true, error: new UnavailableError(undefined, 'connection reset') });
    expect(await codeOf(store.append('customer-r', events))).toBe(LedgerErrorCode.storeUnavailable);
    const retry = await store.append('customer-r', events);
    expect(retry.events.map((event) => [event.globalPosition, event.duplicate])).toEqual([[1, true], [2, true]]);
    expect((await store.head()).position).toBe(2);
  });

  it('stores nothing when the server refuses the append, and stores it on the retry', async () => {
    const server = new ModelEventStoreDbServer();
    const store = open(server);
    server.failNextAppend({ stream: LOG_STREAM, stored: false, error: new UnavailableError(undefined, 'no leader') });
    const event = interaction('s');
    expect(await codeOf(store.append('customer-s', [event]))).toBe(LedgerErrorCode.storeUnavailable);
    expect((await store.head()).position).toBe(0);
    expect((await store.append('customer-s', [event])).events[0]).toMatchObject({ globalPosition: 1, duplicate: false });
  });

  it('completes the links of a writer that stopped after its log append, on the next read of the stream', async () => {
    const server = new ModelEventStoreDbServer();
    const writer = open(server);
    server.failNextAppend({ stream: 'customer-l', stored: false, error: new UnavailableError(undefined, 'process stopped') });
    const appended = await writer.append('customer-l', [interaction('l'), interaction('l')]);
    expect(appended.events.map((event) => event.duplicate)).toEqual([false, false]);
    const reader = open(server);
    const stream = await reader.readStream('customer-l');
    expect(stream.events.map((event) => event.eventId)).toEqual(appended.events.map((event) => event.eventId));
    const links = await collect(server.client().readStream('customer-l'));
    expect(links.map((link) => [link.event?.type, String(link.event?.revision)])).toEqual([['$>', '0'], ['$>', '1']]);
  });

  it('never answers a stream read with part of the stream while its links cannot be written', async () => {
    const server = new ModelEventStoreDbServer();
    const store = open(server);
    // One failure for the writer's own linking, one for the first read's.
    for (let i = 0; i < 2; i++) server.failNextAppend({ stream: 'customer-p', stored: false, error: new UnavailableError(undefined, 'leader lost') });
    await store.append('customer-p', [interaction('p')]);
    expect(await codeOf(store.readStream('customer-p'))).toBe(LedgerErrorCode.storeUnavailable);
    expect((await store.readStream('customer-p')).events).toHaveLength(1);
  });

  it('decides again when another writer won the log, and gives up, retriable, after the attempts allowed', async () => {
    const server = new ModelEventStoreDbServer();
    const store = open(server, 20, 2);
    const lost = () => ({ stream: LOG_STREAM, stored: false, error: new WrongExpectedVersionError(undefined, { streamName: LOG_STREAM, expected: 'no_stream', current: 0n }) });
    server.failNextAppend(lost());
    expect((await store.append('customer-v', [interaction('v')])).events[0]).toMatchObject({ globalPosition: 1 });
    server.failNextAppend(lost());
    server.failNextAppend(lost());
    const error = await store.append('customer-v', [interaction('v')]).catch((caught: Error & { code?: string; retriable?: boolean }) => caught);
    expect(error).toMatchObject({ code: LedgerErrorCode.storeUnavailable, retriable: true, message: expect.stringContaining('2 appends in a row') });
    expect((await store.head()).position).toBe(1);
  });

  it('answers unavailable, not part of a stream, when other writers keep taking the stream\'s link revisions', async () => {
    const server = new ModelEventStoreDbServer();
    const store = open(server);
    const taken = () => ({ stream: 'customer-k', stored: false, error: new WrongExpectedVersionError(undefined, { streamName: 'customer-k', expected: 'no_stream', current: 0n }) });
    // Four attempts by the writer's own linking, then four by the read's.
    for (let i = 0; i < 8; i++) server.failNextAppend(taken());
    await store.append('customer-k', [interaction('k')]);
    const error = await store.readStream('customer-k').catch((caught: Error & { code?: string }) => caught);
    expect(error).toMatchObject({ code: LedgerErrorCode.storeUnavailable, message: expect.stringContaining('links could not all be written') });
    expect((await store.readStream('customer-k')).events).toHaveLength(1);
  });

  it('calls an event written into a customer stream behind the ledger\'s back corruption, naming the stream', async () => {
    const server = new ModelEventStoreDbServer();
    const store = open(server);
    await store.append('customer-f', [interaction('f')]);
    server.appendOutside('customer-f', [{ id: crypto.randomUUID(), contentType: 'application/json', type: 'Edited', data: {}, metadata: undefined }]);
    await store.append('customer-f', [interaction('f')]);
    const error = await store.readStream('customer-f').catch((caught: Error & { code?: string }) => caught);
    expect(error).toMatchObject({ code: LedgerErrorCode.storeCorrupt, message: expect.stringContaining('customer-f') });
  });
});

describe('EventStoreDB store: live subscriptions', () => {
  it('is woken by the server when another process appends, without waiting for a poll', async () => {
    const server = new ModelEventStoreDbServer();
    const [writer, reader] = [open(server), open(server, 60_000)];
    const subscription = reader.subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writer.append('customer-w', [interaction('w')]);
    // The reader polls once a minute: only the server's notification can deliver within the test's timeout.
    expect((await first).value?.globalPosition).toBe(1);
    await subscription.close();
  });
});

describe('EventStoreDB store: group commit', () => {
  it('appends the appends that arrive together in few calls to the log, each accepted or refused on its own', async () => {
    const server = new ModelEventStoreDbServer();
    const store = open(server);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => store.append(`customer-g${i % 6}`, [interaction(`g${i % 6}`)], i === 59 ? { expectedRevision: 'no_stream' } : {})),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(59);
    expect(outcomes[59]).toMatchObject({ status: 'rejected', reason: { code: LedgerErrorCode.wrongExpectedRevision } });
    expect(server.appendsTo(LOG_STREAM)).toBeLessThanOrEqual(3);
    const positions = (await collect(store.readAll())).map((event) => event.globalPosition);
    expect(positions).toEqual(Array.from({ length: 59 }, (_, i) => i + 1));
    expect((await verifyLog(store.readStoredRecords())).ok).toBe(true);
  });
});
