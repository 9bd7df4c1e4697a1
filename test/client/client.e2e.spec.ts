import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContract } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { ApiKeyRing, buildApp, createApiKey } from '@roc-ledger/api';
import { createEvent, HttpPublisher, kafkaRecord, LedgerRejectedError, LogReader, PublishRejectedError, type LoggedEvent } from '@roc-ledger/client';
import { WITHHELD_VALUE } from '@roc-ledger/events';

const contract = createContract({ reportingCurrency: 'EUR' });
const key = createApiKey('webshop', 'Web shop', ['ingest:web', 'ingest:phone', 'ingest:store']);
const warehouse = createApiKey('warehouse', 'Warehouse', ['read']);

describe('@roc-ledger/client against a running service', () => {
  const store = getInMemoryEventStore({ contract });
  let app: Awaited<ReturnType<typeof buildApp>>;
  let front: Server;
  let url = '';
  let frontUrl = '';
  /** What the front does to the next requests before passing them on: fail with 503, or answer late. */
  const script: ('503' | 'slow')[] = [];

  beforeAll(async () => {
    app = await buildApp({ store, contract, ingestor: await Ingestor.open({ store, contract }), keys: new ApiKeyRing([key.record, warehouse.record]), logger: false });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    // A proxy in front of the service that misbehaves on cue, as networks and load balancers do.
    front = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const step = script.shift();
      if (step === '503') {
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' }).end(JSON.stringify({ status: 503, code: 'HTTP_ERR_OVERLOADED', detail: 'busy' }));
        return;
      }
      const answer = await fetch(`${url}${req.url}`, { method: req.method!, headers: req.headers as Record<string, string>, ...(req.method === 'GET' ? {} : { body: Buffer.concat(chunks) }) });
      const body = await answer.text();
      if (step === 'slow') await new Promise((r) => setTimeout(r, 400)); // stored, but the answer comes too late
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    frontUrl = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    front.close();
    await app.close();
  });

  it('builds typed events and publishes them: a web shop, a call centre, a till', async () => {
    const ledger = new HttpPublisher({ baseUrl: url, apiKey: key.key });
    const order = createEvent('PurchaseMade', { customer: { kind: 'email', value: 'ana@example.com' }, channel: 'web', source: 'webshop', data: { orderId: 'W-1', amount: { minor: 4999, currency: 'EUR' } } });
    expect(order.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(order.schemaVersion).toBe(2);
    const stored = await ledger.publish(order);
    expect(stored).toMatchObject({ eventId: order.eventId, duplicate: false });
    const call = createEvent('SentimentRecorded', { customer: { kind: 'phone', value: '+49 30 1234567' }, channel: 'phone', source: 'callcentre', data: { score: 1, agentId: 'agent-7' } });
    const till = createEvent('PurchaseMade', { customer: { kind: 'loyaltyCard', value: 'LC-42' }, channel: 'store', source: 'pos-03', occurredAt: new Date(Date.now() - 86_400_000), data: { orderId: 'T-9', amount: { minor: 1250, currency: 'EUR' } } });
    const batch = await ledger.publishBatch([call, till]);
    expect(batch).toMatchObject({ accepted: 2, rejected: 0 });
  });

  it('retries 503s and honours Retry-After', async () => {
    const ledger = new HttpPublisher({ baseUrl: frontUrl, apiKey: key.key, baseDelayMs: 10 });
    script.push('503', '503');
    const event = createEvent('InteractionRecorded', { customer: { kind: 'customerId', value: 'C9' }, channel: 'web', source: 'webshop', data: { kind: 'visit', initiatedBy: 'customer' } });
    expect(await ledger.publish(event)).toMatchObject({ eventId: event.eventId, duplicate: false });
    expect(script).toEqual([]);
  });

  it('retries after a timeout without storing the event twice: the retry gets the original position', async () => {
    const ledger = new HttpPublisher({ baseUrl: frontUrl, apiKey: key.key, timeoutMs: 200, baseDelayMs: 10 });
    script.push('slow');
    const event = createEvent('InteractionRecorded', { customer: { kind: 'customerId', value: 'C10' }, channel: 'web', source: 'webshop', data: { kind: 'visit', initiatedBy: 'customer' } });
    const before = (await store.head()).position;
    const result = await ledger.publish(event);
    expect(result).toMatchObject({ eventId: event.eventId, duplicate: true });
    expect((await store.head()).position).toBe(before + 2); // the event and its customer's registration, once
  });

  it('throws a rejection with the problem, without retrying', async () => {
    const ledger = new HttpPublisher({ baseUrl: url, apiKey: key.key });
    const foreign = createEvent('InteractionRecorded', { customer: { kind: 'customerId', value: 'C1' }, channel: 'email', source: 'mailer', data: { kind: 'email', initiatedBy: 'firm' } });
    const error = await ledger.publish(foreign).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishRejectedError);
    expect((error as PublishRejectedError).problem.code).toBe('INGEST_ERR_CHANNEL_NOT_ALLOWED');
  });

  it('reads the log page by page through a flaky front, every event in order, no personal value, and only the types asked for', async () => {
    const stored: LoggedEvent[] = [];
    for await (const event of store.readAll()) stored.push(event as unknown as LoggedEvent);
    expect(stored.length).toBeGreaterThan(4);
    const reader = new LogReader({ baseUrl: frontUrl, apiKey: warehouse.key, baseDelayMs: 10 });
    script.push('503');
    const pages: number[] = [];
    const read: LoggedEvent[] = [];
    for await (const event of reader.events({ pageSize: 2, onPage: (page) => pages.push(page.next) })) read.push(event);
    expect(script).toEqual([]); // the 503 was retried
    expect(read.map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId));
    expect(pages.at(-1)).toBe(stored.at(-1)!.globalPosition);
    expect(pages.length).toBe(Math.ceil(stored.length / 2));
    expect(JSON.stringify(read)).not.toContain('ana@example.com');
    expect(read.find((e) => e.customer.kind === 'email')!.customer.value).toBe(WITHHELD_VALUE);

    const purchases: LoggedEvent[] = [];
    for await (const event of reader.events({ types: ['PurchaseMade'] })) purchases.push(event);
    expect(purchases.map((e) => e.eventId)).toEqual(stored.filter((e) => e.type === 'PurchaseMade').map((e) => e.eventId));
    const after = await reader.page({ after: stored.at(-1)!.globalPosition });
    expect(after).toEqual({ events: [], next: stored.at(-1)!.globalPosition, head: stored.at(-1)!.globalPosition, caughtUp: true });
  });

  it('throws a refused read with the problem, without retrying; a publisher refusal is the same class', async () => {
    const reader = new LogReader({ baseUrl: url, apiKey: warehouse.key });
    const error = await reader.page({ types: ['Purchase' as never] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LedgerRejectedError);
    expect((error as LedgerRejectedError).problem.code).toBe('HTTP_ERR_INVALID_REQUEST');
    expect(PublishRejectedError).toBe(LedgerRejectedError);
    const forbidden = await new LogReader({ baseUrl: url, apiKey: key.key }).page().catch((e: unknown) => e);
    expect((forbidden as LedgerRejectedError).problem.status).toBe(403);
  });

  it('gives Kafka producers the channel topic, a customer key and routing headers', () => {
    const event = createEvent('OfferPresented', { customer: { kind: 'email', value: 'ana@example.com' }, channel: 'email', source: 'crm-mailer', data: { offerId: 'F-1', campaign: 'spring-sale' } });
    const record = kafkaRecord(event);
    expect(record.topic).toBe('roc-ledger.events.email');
    expect(record.messages[0]).toMatchObject({ key: 'email:ana@example.com', headers: { 'x-roc-event-type': 'OfferPresented', 'x-roc-event-id': event.eventId } });
    expect(JSON.parse(record.messages[0]!.value)).toEqual(event);
  });
});
