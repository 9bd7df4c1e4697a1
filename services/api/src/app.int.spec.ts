import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContract, type EventInput } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { interaction, purchase } from '@roc-ledger/ledger/testing';
import { buildApp, type ApiLimits } from './app.ts';
import { ApiKeyRing, createApiKey } from './auth/apiKeys.ts';

const contract = createContract({ reportingCurrency: 'EUR' });
const web = createApiKey('web-shop', 'Web shop', ['ingest:web']);
const tills = createApiKey('tills', 'Store tills', ['ingest:store']);
const reader = createApiKey('analyst', 'Analyst', ['read']);
const admin = createApiKey('ops', 'Operations', ['admin']);

const byEmail = (email: string, overrides: Partial<EventInput> = {}) => interaction('x', { customer: { kind: 'email', value: email }, occurredAt: '2025-05-01T10:00:00Z', ...overrides });

describe('HTTP API', () => {
  let store: EventStore;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let logs: string[];

  const start = async (limits: Partial<ApiLimits> = {}) => {
    store = getInMemoryEventStore({ contract });
    const ingestor = await Ingestor.open({ store, contract });
    logs = [];
    const stream = new Writable({ write: (chunk, _enc, done) => (logs.push(chunk.toString()), done()) });
    app = await buildApp({ store, contract, ingestor, keys: new ApiKeyRing([web.record, tills.record, reader.record, admin.record]), limits, logger: { level: 'info', stream } });
  };
  const post = (url: string, body: unknown, key = web.key, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeEach(() => start());
  afterEach(() => app.close());

  it('stores an event (201 with its position) and answers a retry with 200 and the original position', async () => {
    const event = byEmail('ana@example.com');
    const first = await post('/v1/events', event);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ eventId: event.eventId, globalPosition: 3, duplicate: false, identityEvents: ['CustomerRegistered', 'IdentifierLinked'] });
    const retry = await post('/v1/events', event);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ globalPosition: 3, duplicate: true });
    expect((await store.head()).position).toBe(3);
  });

  it('rejects an invalid event with an RFC 9457 problem naming the code, the paths and the event id', async () => {
    const event = { ...byEmail('a@example.com'), channel: 'fax', occurredAt: 'yesterday' };
    const response = await post('/v1/events', event);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status: 400, code: 'EVENTS_ERR_INVALID_EVENT', eventId: event.eventId, type: 'urn:roc-ledger:problem:EVENTS_ERR_INVALID_EVENT' });
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['channel', 'occurredAt']);
    expect(problem.requestId).toBe(response.headers['x-request-id'] ?? problem.requestId);
  });

  it('answers malformed JSON, unknown types, foreign currency, future dates, junk identifiers and ledger fields with 400', async () => {
    const cases: [unknown, string][] = [
      ['{"eventId": ', 'HTTP_ERR_MALFORMED_JSON'],
      [{ ...byEmail('a@example.com'), type: 'Teleported' }, 'EVENTS_ERR_UNKNOWN_EVENT_TYPE'],
      [{ ...purchase('C1', 100, 'USD'), channel: 'web' }, 'EVENTS_ERR_CURRENCY_NOT_REPORTING'],
      [byEmail('a@example.com', { occurredAt: '2999-01-01T00:00:00Z' }), 'INGEST_ERR_OCCURRED_IN_FUTURE'],
      [byEmail('anonymous'), 'IDENTITY_ERR_JUNK_IDENTIFIER'],
      [{ ...byEmail('a@example.com'), globalPosition: 1 }, 'EVENTS_ERR_LEDGER_FIELD_SET'],
      [{ ...byEmail('a@example.com'), customer: undefined }, 'EVENTS_ERR_INVALID_EVENT'],
      [[1, 2, 3], 'EVENTS_ERR_INVALID_EVENT'],
    ];
    for (const [body, code] of cases) {
      const response = await post('/v1/events', body);
      expect(response.statusCode, code).toBe(400);
      expect(response.json().code).toBe(code);
    }
    expect((await store.head()).position).toBe(0);
  });

  it('answers an event id reused with other content with 409', async () => {
    const event = byEmail('b@example.com');
    await post('/v1/events', event);
    const response = await post('/v1/events', { ...event, source: 'another-system' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'LEDGER_ERR_EVENT_ID_CONFLICT', eventId: event.eventId });
  });

  it('requires a key (401), the right scope (403) and a key for the event’s channel (403)', async () => {
    const event = byEmail('c@example.com');
    const none = await app.inject({ method: 'POST', url: '/v1/events', payload: event });
    expect(none.statusCode).toBe(401);
    expect((await post('/v1/events', event, 'rlk_nope')).json().code).toBe('HTTP_ERR_UNAUTHENTICATED');
    expect((await post('/v1/events', event, reader.key)).statusCode).toBe(403);
    const foreign = await post('/v1/events', event, tills.key);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe('INGEST_ERR_CHANNEL_NOT_ALLOWED');
    expect((await post('/v1/events', event, admin.key)).statusCode).toBe(201);
    expect(logs.some((l) => l.includes('authentication failed') && l.includes('"reason":"no key"'))).toBe(true);
    expect(logs.some((l) => l.includes('"msg":"forbidden"') && l.includes('"keyId":"analyst"'))).toBe(true);
    expect(logs.join('')).not.toContain(web.key.slice(12));
  });

  it('accepts or rejects each event of a batch on its own, storing the good ones', async () => {
    const good = [byEmail('d@example.com'), byEmail('e@example.com')];
    const response = await post('/v1/events/batch', { events: [good[0], { ...good[1], channel: 'fax' }, good[1], good[0], 'nonsense', { ...byEmail('f@example.com'), channel: 'store' }] });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ accepted: 2, duplicates: 1, rejected: 3 });
    expect(body.results.map((r: { status: number }) => r.status)).toEqual([201, 400, 201, 200, 400, 403]);
    expect(body.results[1]).toMatchObject({ eventId: good[1]!.eventId, problem: { code: 'EVENTS_ERR_INVALID_EVENT', errors: [{ path: 'channel' }] } });
    expect(body.results[3].result.globalPosition).toBe(body.results[0].result.globalPosition);
  });

  it('refuses a batch over the configured size, and an empty one', async () => {
    await app.close();
    await start({ maxBatch: 3 });
    expect((await post('/v1/events/batch', { events: [1, 2, 3, 4] })).json().code).toBe('HTTP_ERR_INVALID_REQUEST');
    expect((await post('/v1/events/batch', { events: [] })).statusCode).toBe(400);
  });

  it('answers an oversize body with 413 and another media type with 415', async () => {
    await app.close();
    await start({ bodyLimit: 2048 });
    const big = byEmail('g@example.com', { data: { kind: 'call', initiatedBy: 'customer', note: 'x'.repeat(3000) } } as never);
    const response = await post('/v1/events', big);
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('HTTP_ERR_BODY_TOO_LARGE');
    const text = await post('/v1/events', 'hello', web.key, { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('HTTP_ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 429 over the rate limit, per key', async () => {
    await app.close();
    await start({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('/v1/events', byEmail(`h${i}@example.com`))).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect((await post('/v1/events', byEmail('h@example.com'), admin.key)).statusCode).toBe(201);
    expect((await post('/v1/events', byEmail('i@example.com'))).json().code).toBe('HTTP_ERR_RATE_LIMITED');
  });

  it('answers 503 when overloaded', async () => {
    await app.close();
    await start({ underPressure: { maxEventLoopDelayMs: 10, sampleIntervalMs: 10 } });
    const until = Date.now() + 300;
    while (Date.now() < until); // block the event loop, as an overloaded process would be
    await new Promise((resolve) => setTimeout(resolve, 15));
    const response = await post('/v1/events', byEmail('j@example.com'));
    expect(response.statusCode).toBe(503);
    expect(response.json().code).toBe('HTTP_ERR_OVERLOADED');
  });

  it("serves a customer's history to a read key, cut by valid and transaction time", async () => {
    await post('/v1/events', byEmail('k@example.com'));
    const get = (url: string, key: string) => app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });
    const history = await get('/v1/customers/email:K@example.com/events', reader.key);
    expect(history.statusCode).toBe(200);
    expect(history.json().events.map((e: { type: string }) => e.type)).toEqual(['CustomerRegistered', 'IdentifierLinked', 'InteractionRecorded']);
    expect((await get('/v1/customers/email:k@example.com/events?knownAt=2000-01-01', reader.key)).json().events).toEqual([]);
    expect((await get('/v1/customers/email:k@example.com/events', web.key)).statusCode).toBe(403);
    expect((await get('/v1/customers/C404/events', reader.key)).statusCode).toBe(404);
    expect((await get('/v1/customers/C1/events?asOf=soon', reader.key)).statusCode).toBe(400);
  });

  it('publishes OpenAPI generated from the contract, and a docs page', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/events', '/v1/events/batch', '/v1/customers/{customer}/events']));
    expect(JSON.stringify(spec.components.schemas.Event)).toContain('PurchaseMade');
    expect(spec.components.schemas.Problem).toBeDefined();
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('reports liveness and readiness', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).json()).toMatchObject({ status: 'ready' });
    app.markShuttingDown();
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    expect((await post('/v1/events', byEmail('late@example.com'))).json()).toMatchObject({ status: 503, code: 'HTTP_ERR_SHUTTING_DOWN' });
  });

  it('logs with request ids and without personal data', async () => {
    await post('/v1/events', byEmail('secret.person@example.com', { data: { kind: 'call', initiatedBy: 'customer', note: 'lives at Hidden Lane 7' } } as never));
    await post('/v1/events', { ...byEmail('secret.person@example.com'), channel: 'fax' });
    const all = logs.join('');
    expect(all).toContain('"reqId"');
    expect(all).toContain('EVENTS_ERR_INVALID_EVENT');
    expect(all).not.toContain('secret.person');
    expect(all).not.toContain('Hidden Lane');
  });
});
