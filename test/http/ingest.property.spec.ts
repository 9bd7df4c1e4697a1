import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createContract } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { collect } from '@roc-ledger/ledger/testing';
import { ApiKeyRing, buildApp, createApiKey } from '@roc-ledger/api';

const contract = createContract({ reportingCurrency: 'EUR' });
const key = createApiKey('ops', 'Operations', ['admin']);

const customer = fc.oneof(
  fc.constantFrom('C1', 'C2', 'C3', 'C4').map((value) => ({ kind: 'customerId', value })),
  fc.constantFrom('ana@example.com', 'BEN@example.org', 'c.d@gmail.com').map((value) => ({ kind: 'email', value })),
  fc.constantFrom('LC-1', 'lc 2').map((value) => ({ kind: 'loyaltyCard', value })),
);
const occurredAt = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2025-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const envelope = fc.record({
  eventId: fc.uuid({ version: 4 }),
  customer,
  channel: fc.constantFrom('web', 'phone', 'store', 'email', 'app', 'partner'),
  source: fc.constantFrom('webshop', 'pos-01', 'crm'),
  occurredAt,
});
const typed = fc.oneof(
  fc.record({ type: fc.constant('InteractionRecorded'), schemaVersion: fc.constant(1), data: fc.record({ kind: fc.constantFrom('visit', 'call', 'chat'), initiatedBy: fc.constantFrom('customer', 'firm') }) }),
  fc.record({ type: fc.constant('PurchaseMade'), schemaVersion: fc.constant(2), data: fc.record({ orderId: fc.string({ minLength: 1, maxLength: 20 }), amount: fc.record({ minor: fc.nat(10_000_000), currency: fc.constant('EUR') }) }) }),
  fc.record({ type: fc.constant('PurchaseMade'), schemaVersion: fc.constant(1), data: fc.record({ orderId: fc.string({ minLength: 1, maxLength: 20 }), amount: fc.integer({ min: 0, max: 100_000 }).map((c) => c / 100), currency: fc.constant('EUR') }) }),
  fc.record({ type: fc.constant('ConsentGranted'), schemaVersion: fc.constant(1), data: fc.record({ purpose: fc.constantFrom('marketing', 'analytics', 'profiling') }) }),
  fc.record({ type: fc.constant('SentimentRecorded'), schemaVersion: fc.constant(1), data: fc.record({ score: fc.integer({ min: -2, max: 2 }), agentId: fc.constant('agent-1') }) }),
);
const validEvent = fc.tuple(envelope, typed).map(([e, t]) => ({ ...e, ...t }) as Record<string, unknown>);

/** Each defect makes an event invalid in one known way. */
const defects: ((e: Record<string, unknown>) => unknown)[] = [
  ({ eventId: _, ...rest }) => rest,
  (e) => ({ ...e, channel: 'fax' }),
  (e) => ({ ...e, occurredAt: '2024-01-01 10:00' }),
  (e) => ({ ...e, occurredAt: '2999-01-01T00:00:00Z' }),
  (e) => ({ ...e, type: 'SomethingElse' }),
  (e) => ({ ...e, schemaVersion: 9 }),
  (e) => ({ ...e, customer: { kind: 'email', value: 'null' } }),
  (e) => ({ ...e, customer: { kind: 'phone', value: 'none' } }),
  (e) => ({ ...e, recordedAt: '2024-01-01T00:00:00Z' }),
  (e) => ({ ...e, data: { ...(e.data as object), unexpected: true } }),
  (e) => ({ ...e, type: 'PurchaseMade', schemaVersion: 2, data: { orderId: 'x', amount: { minor: 5, currency: 'USD' } } }),
  (e) => ({ ...e, type: 'PurchaseMade', schemaVersion: 2, data: { orderId: 'x', amount: { minor: '5', currency: 'EUR' } } }),
  () => 42,
  () => 'an event',
  () => null,
  () => [],
];
const invalidEvent = fc.tuple(validEvent, fc.nat(defects.length - 1)).map(([e, d]) => defects[d]!(e));

type Payload = { kind: 'valid' | 'retry' | 'invalid'; body: unknown };
const payloads = fc.array(
  fc.oneof(
    { weight: 5, arbitrary: validEvent.map((body): Payload => ({ kind: 'valid', body })) },
    { weight: 4, arbitrary: invalidEvent.map((body): Payload => ({ kind: 'invalid', body })) },
  ),
  { minLength: 500, maxLength: 500 },
);

describe('HTTP ingest, property-based', () => {
  it('never answers 5xx, stores nothing invalid and every valid event exactly once (10,000 payloads)', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(payloads, async (generated) => {
        const store = getInMemoryEventStore({ contract });
        const app = await buildApp({ store, contract, ingestor: await Ingestor.open({ store, contract }), keys: new ApiKeyRing([key.record]), logger: false });
        try {
          // Retries: every tenth valid event is sent again later in the same run.
          const all: Payload[] = [...generated, ...generated.filter((p, i) => p.kind === 'valid' && i % 10 === 0).map((p) => ({ ...p, kind: 'retry' as const }))];
          const statuses: number[] = [];
          for (let i = 0; i < all.length; i += 100) {
            const response = await app.inject({ method: 'POST', url: '/v1/events/batch', headers: { authorization: `Bearer ${key.key}` }, payload: { events: all.slice(i, i + 100).map((p) => p.body) } });
            expect(response.statusCode).toBe(200);
            statuses.push(...response.json().results.map((r: { status: number }) => r.status));
          }
          // A few one by one, through the single-event route as well.
          for (const p of all.slice(0, 20)) {
            const response = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, payload: JSON.stringify(p.body) });
            expect(response.statusCode).toBeLessThan(500);
            expect(response.statusCode === 200 || response.statusCode === 201).toBe(p.kind !== 'invalid');
          }
          sent += all.length + 20;
          all.forEach((p, i) => {
            expect(statuses[i]).toBeLessThan(500);
            if (p.kind === 'invalid') expect(statuses[i], JSON.stringify(p.body)).toBeGreaterThanOrEqual(400);
            else expect([200, 201], JSON.stringify(p.body)).toContain(statuses[i]);
          });
          const stored = (await collect(store.readAll())).filter((e) => e.source !== 'roc-ledger/identity').map((e) => e.eventId);
          const valid = new Set(all.filter((p) => p.kind !== 'invalid').map((p) => (p.body as { eventId: string }).eventId));
          expect(stored.length).toBe(valid.size);
          expect(new Set(stored)).toEqual(valid);
        } finally {
          await app.close();
        }
      }),
      { numRuns: 20, seed: 20261122 },
    );
    expect(sent).toBeGreaterThanOrEqual(10_000);
  }, 180_000);
});
