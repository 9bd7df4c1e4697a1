// GET /v1/events: the log a page at a time for tools that may not hold personal data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, buildApp, createApiKey } from '@roc-ledger/api';
import { WITHHELD_VALUE } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { getInMemoryEventStore, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { contract } from '../support/tempLedger.ts';
import { profileByEmail } from '../support/webEvents.ts';

const reader = createApiKey('warehouse', 'Warehouse', ['read']);
const web = createApiKey('web-shop', 'Web shop', ['ingest:web']);
const clock: SimClock = { now: new Date(0) };
let store: EventStore;
let app: Awaited<ReturnType<typeof buildApp>>;

interface Page { events: RecordedEvent[]; next: number; head: number; caughtUp: boolean }
const get = (url: string, key = reader.key) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
const page = async (url: string): Promise<Page> => {
  const response = await get(url);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
/** The store's own events, in log order (its personal values in the clear: this store seals nothing). */
const stored = async (types?: string[]): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll(types ? { types } : {})) events.push(event);
  return events;
};

beforeAll(async () => {
  store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, { customers: 12, years: 1, seed: 'log-read' });
  clock.now = new Date();
  const ingestor = await Ingestor.open({ store, contract, clock: () => clock.now });
  await ingestor.ingest(profileByEmail('reader.test@example.org', 'Leonie'));
  app = await buildApp({ store, contract, ingestor, keys: new ApiKeyRing([reader.record, web.record]), logger: false });
}, 60_000);
afterAll(() => app.close());

describe('GET /v1/events', () => {
  it('gives every event in log order, a page at a time, each personal value withheld', async () => {
    const all = await stored();
    const read: RecordedEvent[] = [];
    let after = 0;
    for (let pages = 0; ; pages++) {
      expect(pages).toBeLessThan(100);
      const answer = await page(`/v1/events?after=${after}&limit=97`);
      expect(answer.head).toBe(all.length);
      read.push(...answer.events);
      if (!answer.caughtUp) expect(answer.next).toBe(answer.events.at(-1)!.globalPosition);
      after = answer.next;
      if (answer.caughtUp) break;
    }
    expect(after).toBe(all.length);
    expect(read.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    const profile = read.find((e) => e.type === 'ProfileUpdated' && e.customer.kind === 'email')!;
    expect(profile.customer.value).toBe(WITHHELD_VALUE);
    expect((profile.data as { givenName: string }).givenName).toBe(WITHHELD_VALUE);
    const text = JSON.stringify(read);
    expect(text).not.toContain('reader.test@example.org');
    expect(text).not.toContain('Leonie');
    expect(read.filter((e) => e.type === 'IdentifierLinked').every((e) => (e.data as { identifier: { value: string } }).identifier.value === WITHHELD_VALUE)).toBe(true);
  });

  it('keeps the types asked for and the events in the cut; from the head it waits for what comes next', async () => {
    const asOf = '2023-08-31';
    const expected = (await stored(['PurchaseMade', 'RefundIssued'])).filter((e) => Date.parse(e.occurredAt) <= Date.parse(`${asOf}T23:59:59.999Z`));
    expect(expected.length).toBeGreaterThan(0);
    const answer = await page(`/v1/events?types=PurchaseMade,%20RefundIssued&asOf=${asOf}&limit=5000`);
    expect(answer.events.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
    expect(answer).toMatchObject({ caughtUp: true, next: answer.head });

    const atHead = await page(`/v1/events?after=${answer.head}`);
    expect(atHead).toEqual({ events: [], next: answer.head, head: answer.head, caughtUp: true });
    clock.now = new Date();
    await store.append('customer-C0000001', [{ ...profileByEmail('x@example.org', 'X'), customer: { kind: 'customerId', value: 'C0000001' } } as never]);
    const after = await page(`/v1/events?after=${atHead.next}`);
    expect(after.events.map((e) => e.globalPosition)).toEqual([answer.head + 1]);
  });

  it('refuses a type the catalogue does not have, naming it, and keys without the read scope', async () => {
    const bad = await get('/v1/events?types=PurchaseMade,Purchase');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('HTTP_ERR_INVALID_REQUEST');
    expect(bad.json().detail).toContain('Purchase is not an event type of the catalogue');
    expect((await get('/v1/events?limit=0')).statusCode).toBe(400);
    expect((await get('/v1/events', web.key)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/events' })).statusCode).toBe(401);
  });
});
