import { describe, expect, it } from 'vitest';
import type { EventInput } from '@roc-ledger/events';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { defineProjection, getSqliteReadModelStore, ProjectionRuntime, replayAll, stateHash } from '@roc-ledger/projections';
import { contract } from '../support/tempLedger.ts';

let n = 0;
const event = (customer: string, type: string, occurredAt: string, data: unknown): EventInput =>
  contract.parse({
    eventId: `0197${String(++n).padStart(4, '0')}-0000-7000-8000-000000000000`,
    type,
    schemaVersion: type === 'PurchaseMade' ? 2 : 1,
    customer: { kind: 'customerId', value: customer },
    channel: 'web',
    source: 'test',
    occurredAt,
    data,
  }) as EventInput;
const purchase = (customer: string, at: string) => event(customer, 'PurchaseMade', at, { orderId: `o-${++n}`, amount: { minor: 100, currency: 'EUR' } });
const consent = (customer: string, type: 'ConsentGranted' | 'ConsentWithdrawn', at: string) => event(customer, type, at, { purpose: 'marketing' });

const marketingPurchases = defineProjection<{ purchases: number }>({
  name: 'marketing-purchases',
  version: 1,
  purpose: 'marketing',
  consumes: ['PurchaseMade'],
  initialState: { purchases: 0 },
  handlers: {
    PurchaseMade: (draft) => {
      draft.purchases += 1;
    },
  },
});

describe('consent-filtered projections', () => {
  it("see a customer's events only while consent for their purpose holds, by valid time, and a late decision changes what they saw", async () => {
    let clock = Date.parse('2025-02-01T00:00:00Z');
    const store = getInMemoryEventStore({ contract, clock: () => new Date((clock += 1000)) });
    await store.append('customer-C1', [
      purchase('C1', '2025-01-05T10:00:00Z'), // before any consent: not seen
      consent('C1', 'ConsentGranted', '2025-01-10T10:00:00Z'),
      purchase('C1', '2025-01-15T10:00:00Z'), // seen
      consent('C1', 'ConsentWithdrawn', '2025-01-20T10:00:00Z'),
      purchase('C1', '2025-01-25T10:00:00Z'), // after withdrawal: not seen
    ]);
    await store.append('customer-C2', [purchase('C2', '2025-01-15T10:00:00Z')]); // never consented

    const readModels = getSqliteReadModelStore(':memory:');
    const runtime = new ProjectionRuntime({ store, readModels, definitions: [marketingPurchases] });
    await runtime.start();
    await runtime.waitFor((await store.head()).position);
    expect((await runtime.query('marketing-purchases', 'C1'))!.result).toEqual({ purchases: 1 });
    expect(await runtime.query('marketing-purchases', 'C2')).toBeUndefined();
    const beforeLate = new Date(clock);

    // The customer's consent from the start of the year arrives late: the first purchase is now seen too.
    const late = await store.append('customer-C1', [consent('C1', 'ConsentGranted', '2025-01-01T10:00:00Z')]);
    await runtime.waitFor(late.events[0]!.globalPosition);
    expect((await runtime.query('marketing-purchases', 'C1'))!.result).toEqual({ purchases: 2 });
    // As known before it arrived, the projection saw one purchase.
    expect((await runtime.query('marketing-purchases', 'C1', { knownAt: beforeLate }))!.result).toEqual({ purchases: 1 });
    // As of mid-January (valid time), before the withdrawal: both purchases by then.
    expect((await runtime.query('marketing-purchases', 'C1', { asOf: new Date('2025-01-16T00:00:00Z') }))!.result).toEqual({ purchases: 2 });

    // A rebuild from scratch, in one pass, ends in the same state as following the log live.
    const rebuilt = await replayAll(store, marketingPurchases);
    expect(await stateHash(rebuilt.readModels, 'marketing-purchases@1')).toEqual(await stateHash(readModels, 'marketing-purchases@1'));
    await runtime.stop();

    // Restarted from its checkpoint, it looks the customer's decisions up before folding their next event.
    const more = await store.append('customer-C1', [purchase('C1', '2025-01-12T10:00:00Z'), purchase('C1', '2025-01-22T10:00:00Z')]);
    const resumed = new ProjectionRuntime({ store, readModels, definitions: [marketingPurchases] });
    await resumed.start();
    await resumed.waitFor(more.events[1]!.globalPosition);
    expect((await resumed.query('marketing-purchases', 'C1'))!.result).toEqual({ purchases: 3 });
    await resumed.stop();
  });
});
