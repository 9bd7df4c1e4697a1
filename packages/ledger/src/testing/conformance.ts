import { createContract, EVENT_TYPES, type Contract, type EventInput } from '@roc-ledger/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerErrorCode } from '../errors/index.ts';
import type { EventStore, RecordedEvent } from '../eventStore/types.ts';
import { digestOf } from '../integrity/digest.ts';
import { verifyLog } from '../integrity/verifyLog.ts';
import { collect, interaction, manualClock, purchase, purchaseV1 } from './fixtures.ts';

export interface ConformanceContext {
  readonly contract: Contract;
  readonly clock: () => Date;
}

export interface ConformanceTarget {
  readonly store: EventStore;
  /** Removes whatever the store left behind (files, schemas). */
  readonly cleanup?: () => Promise<void>;
}

export type EventStoreFactory = (context: ConformanceContext) => Promise<ConformanceTarget>;

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

/**
 * The contract of the EventStore port. Every backend runs it; a backend is done when it passes
 * whole. It covers every port method: append (ordering, expected revisions, atomicity,
 * idempotency), readStream, readAll (filters, paging), subscribe (catch-up, live, hand-over),
 * readStoredRecords and head (the integrity chain), streamStarts where a store has it, close.
 */
export const runEventStoreConformance = (name: string, factory: EventStoreFactory): void => {
  describe(`EventStore conformance: ${name}`, () => {
    let target: ConformanceTarget;
    let store: EventStore;
    const clock = manualClock();
    const contract = createContract({ reportingCurrency: 'EUR' });

    beforeEach(async () => {
      clock.set('2025-06-01T00:00:00.000Z');
      target = await factory({ contract, clock: clock.now });
      store = target.store;
    });
    afterEach(async () => {
      await store.close();
      await target.cleanup?.();
    });

    describe('append', () => {
      it('gives consecutive global positions and stream revisions from 1 and 0', async () => {
        const a = await store.append('customer-a', [interaction('a'), interaction('a')]);
        const b = await store.append('customer-b', [interaction('b')]);
        expect(a.events.map((e) => [e.globalPosition, e.streamRevision])).toEqual([[1, 0], [2, 1]]);
        expect(a.nextExpectedRevision).toBe(1);
        expect(b.events.map((e) => [e.globalPosition, e.streamRevision])).toEqual([[3, 0]]);
        expect(a.events.every((e) => !e.duplicate)).toBe(true);
      });

      it('stamps recordedAt from the ledger clock and never lets it run backwards', async () => {
        clock.set('2025-06-02T10:00:00.000Z');
        const first = await store.append('customer-a', [interaction('a')]);
        clock.set('2025-06-01T09:00:00.000Z');
        const second = await store.append('customer-a', [interaction('a')]);
        expect(first.events[0]!.recordedAt).toBe('2025-06-02T10:00:00.000Z');
        expect(second.events[0]!.recordedAt).toBe('2025-06-02T10:00:00.000Z');
      });

      it('enforces every kind of expected revision', async () => {
        expect(await codeOf(store.append('customer-a', [interaction('a')], { expectedRevision: 'stream_exists' }))).toBe(LedgerErrorCode.wrongExpectedRevision);
        expect(await codeOf(store.append('customer-a', [interaction('a')], { expectedRevision: 0 }))).toBe(LedgerErrorCode.wrongExpectedRevision);
        await store.append('customer-a', [interaction('a')], { expectedRevision: 'no_stream' });
        expect(await codeOf(store.append('customer-a', [interaction('a')], { expectedRevision: 'no_stream' }))).toBe(LedgerErrorCode.wrongExpectedRevision);
        expect(await codeOf(store.append('customer-a', [interaction('a')], { expectedRevision: 1 }))).toBe(LedgerErrorCode.wrongExpectedRevision);
        await store.append('customer-a', [interaction('a')], { expectedRevision: 0 });
        await store.append('customer-a', [interaction('a')], { expectedRevision: 'stream_exists' });
        const last = await store.append('customer-a', [interaction('a')], { expectedRevision: 'any' });
        expect(last.nextExpectedRevision).toBe(3);
        expect((await store.head()).position).toBe(4);
      });

      it('reports the actual revision in a wrong-expected-revision error, marked retriable', async () => {
        await store.append('customer-a', [interaction('a'), interaction('a')]);
        const error = await store.append('customer-a', [interaction('a')], { expectedRevision: 0 }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: LedgerErrorCode.wrongExpectedRevision, streamId: 'customer-a', actual: 1, retriable: true });
      });

      it('stores none of an append that holds one invalid event, and says where', async () => {
        const bad = { ...interaction('a'), data: { kind: 'teleport', initiatedBy: 'customer' } };
        const error = await store.append('customer-a', [interaction('a'), bad as never]).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'EVENTS_ERR_INVALID_EVENT', eventId: bad.eventId });
        expect((error as { issues: { path: string }[] }).issues[0]!.path).toBe('data.kind');
        expect((await store.head()).position).toBe(0);
      });

      it('stores none of an append whose expected revision fails', async () => {
        await store.append('customer-a', [interaction('a')]);
        await store.append('customer-a', [interaction('a'), interaction('a')], { expectedRevision: 5 }).catch(() => undefined);
        expect((await store.readStream('customer-a')).events).toHaveLength(1);
      });

      it('refuses money in a currency other than the reporting currency', async () => {
        const error = await store.append('customer-a', [purchase('a', 1000, 'USD')]).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'EVENTS_ERR_CURRENCY_NOT_REPORTING' });
        expect((error as { issues: { path: string }[] }).issues[0]!.path).toBe('data.amount.currency');
      });

      it('refuses an invalid stream id and an empty append', async () => {
        expect(await codeOf(store.append('bad stream', [interaction('a')]))).toBe(LedgerErrorCode.invalidStreamId);
        expect(await codeOf(store.append('customer-a', []))).toBe(LedgerErrorCode.invalidArgument);
      });
    });

    describe('idempotency by event id', () => {
      it('acknowledges a retried append with the original positions and stores it once', async () => {
        const events = [interaction('a'), interaction('a')];
        const first = await store.append('customer-a', events, { expectedRevision: 'no_stream' });
        // The retry carries the now-stale expected revision, as a producer retrying after a lost acknowledgement would.
        const retry = await store.append('customer-a', events, { expectedRevision: 'no_stream' });
        expect(retry.events.map((e) => e.globalPosition)).toEqual(first.events.map((e) => e.globalPosition));
        expect(retry.events.every((e) => e.duplicate)).toBe(true);
        expect(retry.nextExpectedRevision).toBe(1);
        expect((await store.head()).position).toBe(2);
      });

      it('treats the same content in another key order as the same event', async () => {
        const event = interaction('a');
        await store.append('customer-a', [event]);
        const reordered = Object.fromEntries(Object.entries(event).reverse());
        const retry = await store.append('customer-a', [reordered as never]);
        expect(retry.events[0]!.duplicate).toBe(true);
      });

      it('rejects the same id with other content, or in another stream, as a conflict', async () => {
        const event = interaction('a');
        await store.append('customer-a', [event]);
        expect(await codeOf(store.append('customer-a', [{ ...event, source: 'other' }]))).toBe(LedgerErrorCode.eventIdConflict);
        expect(await codeOf(store.append('customer-b', [{ ...event, customer: { kind: 'customerId', value: 'b' } }]))).toBe(LedgerErrorCode.eventIdConflict);
        expect((await store.head()).position).toBe(1);
      });

      it('stores an id repeated within one append once, and rejects it repeated with other content', async () => {
        const event = interaction('a');
        const result = await store.append('customer-a', [event, event]);
        expect(result.events.map((e) => e.globalPosition)).toEqual([1, 1]);
        expect((await store.head()).position).toBe(1);
        const other = interaction('a');
        expect(await codeOf(store.append('customer-a', [other, { ...other, source: 'x' }]))).toBe(LedgerErrorCode.eventIdConflict);
      });

      it('rejects an append mixing stored and new events, storing nothing', async () => {
        const stored = interaction('a');
        await store.append('customer-a', [stored]);
        expect(await codeOf(store.append('customer-a', [stored, interaction('a')]))).toBe(LedgerErrorCode.partialDuplicate);
        expect((await store.head()).position).toBe(1);
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of 8 concurrent writers win each revision', async () => {
        for (let revision = -1; revision < 4; revision++) {
          const expectedRevision = revision === -1 ? ('no_stream' as const) : revision;
          const outcomes = await Promise.allSettled(
            Array.from({ length: 8 }, () => store.append('customer-race', [interaction('race')], { expectedRevision })),
          );
          expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
          const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
          expect(losers.map((o) => o.reason.code)).toEqual(Array(7).fill(LedgerErrorCode.wrongExpectedRevision));
        }
        expect((await store.readStream('customer-race')).currentRevision).toBe(4);
      });
    });

    describe('readStream', () => {
      beforeEach(async () => {
        for (let i = 0; i < 5; i++) await store.append('customer-s', [interaction('s', { source: `s${i}` })]);
        await store.append('customer-other', [interaction('other')]);
      });

      it('reads a stream forwards in revision order', async () => {
        const result = await store.readStream('customer-s');
        expect(result.currentRevision).toBe(4);
        expect(result.events.map((e) => e.source)).toEqual(['s0', 's1', 's2', 's3', 's4']);
        expect(result.events.map((e) => e.streamRevision)).toEqual([0, 1, 2, 3, 4]);
      });

      it('reads backwards, from a revision, with a max count', async () => {
        expect((await store.readStream('customer-s', { direction: 'backwards', maxCount: 2 })).events.map((e) => e.streamRevision)).toEqual([4, 3]);
        expect((await store.readStream('customer-s', { direction: 'backwards', fromRevision: 1 })).events.map((e) => e.streamRevision)).toEqual([1, 0]);
        expect((await store.readStream('customer-s', { fromRevision: 2, maxCount: 2 })).events.map((e) => e.streamRevision)).toEqual([2, 3]);
        expect((await store.readStream('customer-s', { fromRevision: 9 })).events).toEqual([]);
      });

      it('returns revision -1 and no events for a stream that does not exist', async () => {
        expect(await store.readStream('customer-nobody')).toEqual({ streamId: 'customer-nobody', currentRevision: -1, events: [] });
      });

      it('returns every envelope and ledger field', async () => {
        const [event] = (await store.readStream('customer-other')).events as RecordedEvent[];
        expect(event).toMatchObject({ type: 'InteractionRecorded', schemaVersion: 1, streamId: 'customer-other', globalPosition: 6, streamRevision: 0, channel: 'web' });
        expect(event!.recordedAt).toBe('2025-06-01T00:00:00.000Z');
        expect(event!.hash).toMatch(/^[0-9a-f]{64}$/);
      });
    });

    describe('readAll', () => {
      beforeEach(async () => {
        await store.append('customer-a', [interaction('a'), purchase('a', 500)]);
        await store.append('customer-b', [interaction('b')]);
        await store.append('audit-x', [interaction('x')]);
        await store.append('customer-a', [purchase('a', 700)]);
      });

      it('reads every stream in global order, paging through small pages', async () => {
        const all = await collect(store.readAll({ pageSize: 2 }));
        expect(all.map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5]);
        expect(all.map((e) => e.streamId)).toEqual(['customer-a', 'customer-a', 'customer-b', 'audit-x', 'customer-a']);
      });

      it('reads the same events a page at a time: pages in order, none empty, none over the page size, a read anew each time', async () => {
        const read = store.readAll({ fromPosition: 2, types: ['InteractionRecorded', 'PurchaseMade'], streamPrefix: 'customer-', pageSize: 2 });
        const pages: number[][] = [];
        for await (const page of read.pages()) pages.push(page.map((e) => e.globalPosition));
        expect(pages).toEqual([[2, 3], [5]]);
        expect((await collect(read)).map((e) => e.globalPosition)).toEqual([2, 3, 5]);
        const limited: number[][] = [];
        for await (const page of store.readAll({ maxCount: 3, pageSize: 2 }).pages()) limited.push(page.map((e) => e.globalPosition));
        expect(limited).toEqual([[1, 2], [3]]);
        for await (const page of store.readAll({ types: ['CustomerDefected'] }).pages()) expect.unreachable(`an empty read gave a page of ${page.length}`);
      });

      it('starts from a position and stops at a max count', async () => {
        expect((await collect(store.readAll({ fromPosition: 3 }))).map((e) => e.globalPosition)).toEqual([3, 4, 5]);
        expect((await collect(store.readAll({ fromPosition: 2, maxCount: 2, pageSize: 1 }))).map((e) => e.globalPosition)).toEqual([2, 3]);
      });

      it('filters by event type and by stream prefix, together or apart', async () => {
        expect((await collect(store.readAll({ types: ['PurchaseMade'], pageSize: 1 }))).map((e) => e.globalPosition)).toEqual([2, 5]);
        expect((await collect(store.readAll({ streamPrefix: 'customer-' }))).map((e) => e.globalPosition)).toEqual([1, 2, 3, 5]);
        expect((await collect(store.readAll({ streamPrefix: 'customer-b', types: ['InteractionRecorded'] }))).map((e) => e.globalPosition)).toEqual([3]);
        expect(await collect(store.readAll({ types: ['CustomerDefected'] }))).toEqual([]);
      });

      it('reads the identity types alone (merges, erasures) in order, among every other, and reads everything when asked for every type', async () => {
        const merged = interaction('a', { type: 'CustomersMerged', channel: 'system', data: { survivorId: 'a', mergedId: 'b', reason: 'same card' } } as Partial<EventInput>);
        const erased = interaction('a', { type: 'CustomerErased', channel: 'system', data: { basis: 'customer-request', members: ['a', 'b'] } } as Partial<EventInput>);
        await store.append('customer-a', [merged]);
        await store.append('customer-b', [interaction('b')]);
        await store.append('customer-a', [erased]);
        expect((await collect(store.readAll({ types: ['CustomersMerged'], pageSize: 1 }))).map((e) => e.eventId)).toEqual([merged.eventId]);
        expect((await collect(store.readAll({ types: ['CustomerErased', 'CustomersMerged'], fromPosition: 6 }))).map((e) => e.globalPosition)).toEqual([6, 8]);
        expect(await collect(store.readAll({ types: ['CustomersMerged'], streamPrefix: 'customer-b' }))).toEqual([]);
        expect((await collect(store.readAll({ types: ['CustomersMerged', 'PurchaseMade'] }))).map((e) => e.globalPosition)).toEqual([2, 5, 6]);
        expect((await collect(store.readAll({ types: [...EVENT_TYPES], pageSize: 3 }))).map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      });

      it('passes over the streams a selection refuses up to its position, pages staying full, and delivers everything after it', async () => {
        const streams = { includes: (id: string) => id === 'customer-b', through: 4 };
        // Pages of one: a short page ends a read, so a page the selection emptied would lose what follows.
        expect((await collect(store.readAll({ streams, pageSize: 1 }))).map((e) => e.globalPosition)).toEqual([3, 5]);
        expect((await collect(store.readAll({ streams, types: ['PurchaseMade'] }))).map((e) => e.globalPosition)).toEqual([5]);
        const live = store.subscribe({ streams: { includes: (id) => id === 'audit-x', through: 5 } });
        const seen: number[] = [];
        await store.append('customer-a', [interaction('a')]);
        for await (const event of live) {
          seen.push(event.globalPosition);
          if (event.globalPosition === 6) break;
        }
        await live.close();
        expect(seen).toEqual([4, 6]);
      });

      it('lets timers and I/O in during a long scan, page by page, even when the backend answers at once', async () => {
        await store.append('customer-long', Array.from({ length: 400 }, () => interaction('long')));
        let ticks = 0;
        const timer = setInterval(() => ticks++, 5);
        const started = performance.now();
        try {
          for await (const _event of store.readAll({ pageSize: 20 })) {
            const until = performance.now() + 0.5; // a consumer that works on each event
            while (performance.now() < until);
          }
        } finally {
          clearInterval(timer);
        }
        const elapsed = performance.now() - started;
        expect(elapsed).toBeGreaterThan(150);
        expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 60));
      });

      it('upcasts superseded schema versions on read', async () => {
        await store.append('customer-v', [purchaseV1('v', 12.34)]);
        const [event] = await collect(store.readAll({ streamPrefix: 'customer-v' }));
        expect(event).toMatchObject({ type: 'PurchaseMade', schemaVersion: 2, data: { amount: { minor: 1234, currency: 'EUR' } } });
        const [stored] = await collect(store.readStoredRecords({ fromPosition: 6 }));
        expect(JSON.parse(stored!.body)).toMatchObject({ schemaVersion: 1, data: { amount: 12.34 } });
      });
    });

    describe('subscribe', () => {
      it('catches up from the start, turns live, and delivers later appends', async () => {
        await store.append('customer-a', [interaction('a'), interaction('a')]);
        let caughtUpAt = -1;
        const subscription = store.subscribe({ onCaughtUp: (p) => (caughtUpAt = p) });
        const seen: number[] = [];
        for await (const event of subscription) {
          seen.push(event.globalPosition);
          if (seen.length === 2) await store.append('customer-b', [interaction('b')]);
          if (seen.length === 3) break;
        }
        expect(seen).toEqual([1, 2, 3]);
        expect(caughtUpAt).toBe(2);
      });

      it('resumes after a checkpoint', async () => {
        await store.append('customer-a', [interaction('a'), interaction('a'), interaction('a')]);
        const subscription = store.subscribe({ after: 2 });
        const iterator = subscription[Symbol.asyncIterator]();
        expect((await iterator.next()).value!.globalPosition).toBe(3);
        await subscription.close();
      });

      it('neither skips nor repeats an event at the hand-over from catch-up to live', async () => {
        await store.append('customer-a', Array.from({ length: 30 }, () => interaction('a')));
        const writer = (async () => {
          for (let i = 0; i < 40; i++) await store.append(`customer-w${i % 4}`, [interaction(`w${i % 4}`)]);
        })();
        const seen: number[] = [];
        const subscription = store.subscribe({ pageSize: 7 });
        for await (const event of subscription) {
          seen.push(event.globalPosition);
          if (seen.length === 70) break;
        }
        await writer;
        expect(seen).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
      });

      it('applies filters while live', async () => {
        const subscription = store.subscribe({ types: ['PurchaseMade'] });
        const next = subscription[Symbol.asyncIterator]().next();
        await store.append('customer-a', [interaction('a')]);
        await store.append('customer-a', [purchase('a', 100)]);
        expect((await next).value).toMatchObject({ type: 'PurchaseMade', globalPosition: 2 });
        await subscription.close();
      });

      it('delivers the same events a page at a time, none empty, catching up and then live', async () => {
        await store.append('customer-a', Array.from({ length: 5 }, () => interaction('a')));
        const subscription = store.subscribe({ pageSize: 2, onCaughtUp: () => void store.append('customer-b', [interaction('b')]) });
        const pages: number[][] = [];
        for await (const page of subscription.pages()) {
          pages.push(page.map((e) => e.globalPosition));
          if (page.some((e) => e.globalPosition === 6)) break;
        }
        expect(pages.flat()).toEqual([1, 2, 3, 4, 5, 6]);
        expect(pages.slice(0, 3)).toEqual([[1, 2], [3, 4], [5]]);
        await subscription.close();
      });

      it('ends page iteration when closed while waiting for events', async () => {
        const subscription = store.subscribe();
        const pending = subscription.pages()[Symbol.asyncIterator]().next();
        await new Promise((resolve) => setTimeout(resolve, 20));
        await subscription.close();
        expect((await pending).done).toBe(true);
      });

      it('ends iteration when closed while waiting for events', async () => {
        const subscription = store.subscribe();
        const pending = subscription[Symbol.asyncIterator]().next();
        await new Promise((resolve) => setTimeout(resolve, 20));
        await subscription.close();
        expect((await pending).done).toBe(true);
      });
    });

    describe('integrity chain', () => {
      it('chains every stored record to the one before, so verification passes', async () => {
        await store.append('customer-a', [interaction('a'), purchase('a', 100)]);
        await store.append('customer-b', [interaction('b')]);
        const head = await store.head();
        const result = await verifyLog(store.readStoredRecords({ pageSize: 2 }), digestOf(head));
        expect(result).toMatchObject({ ok: true, checked: 3, head: { position: 3, hash: head.hash } });
      });

      it('starts from the genesis head on an empty log', async () => {
        expect(await store.head()).toEqual({ position: 0, hash: '0'.repeat(64), recordedAt: null });
        expect(await collect(store.readStoredRecords())).toEqual([]);
      });

      it('keeps the duplicate acknowledgement out of the chain', async () => {
        const event = interaction('a');
        await store.append('customer-a', [event]);
        const before = await store.head();
        await store.append('customer-a', [event]);
        expect(await store.head()).toEqual(before);
      });
    });

    describe('streamStarts (optional)', () => {
      it('names where each stream begins, in log order, within the range asked, decoding nothing; or the store has none', async () => {
        await store.append('customer-a', [interaction('a')]);
        await store.append('customer-b', [interaction('b'), interaction('b')]);
        await store.append('customer-a', [interaction('a')]);
        await store.append('customer-c', [interaction('c')]);
        // Readers then read the whole log instead (Ingestor.catchUp).
        if (!store.streamStarts) return expect(store.streamStarts).toBeUndefined();
        expect(await collect(store.streamStarts({ after: 0, through: 5 }))).toEqual([
          { streamId: 'customer-a', globalPosition: 1 },
          { streamId: 'customer-b', globalPosition: 2 },
          { streamId: 'customer-c', globalPosition: 5 },
        ]);
        expect(await collect(store.streamStarts({ after: 1, through: 4 }))).toEqual([{ streamId: 'customer-b', globalPosition: 2 }]);
        expect(await collect(store.streamStarts({ after: 5, through: 5 }))).toEqual([]);
      });
    });

    describe('close', () => {
      it('refuses work after close with a stable code', async () => {
        await store.close();
        expect(await codeOf(store.append('customer-a', [interaction('a')]))).toBe(LedgerErrorCode.storeClosed);
        expect(await codeOf(store.readStream('customer-a'))).toBe(LedgerErrorCode.storeClosed);
      });
    });
  });
};
