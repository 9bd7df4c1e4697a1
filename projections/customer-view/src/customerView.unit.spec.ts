import { describe, expect, it } from 'vitest';
import type { EventInput } from '@roc-ledger/events';
import { given } from '@roc-ledger/projections/testing';
import { customerView } from './index.ts';

let n = 0;
const event = (type: string, occurredAt: string, data: unknown, channel = 'web', schemaVersion = 1): EventInput =>
  ({ eventId: `0194${String(++n).padStart(4, '0')}-0000-7000-8000-000000000000`, type, schemaVersion, customer: { kind: 'customerId', value: 'C1' }, channel, source: 'test', occurredAt, data }) as EventInput;

describe('customer view', () => {
  it('keeps the latest consent by valid time, whatever order the events arrive in', async () => {
    const withdrawn = event('ConsentWithdrawn', '2025-02-01T00:00:00Z', { purpose: 'marketing' });
    const grantedEarlierArrivingLater = event('ConsentGranted', '2025-01-01T00:00:00Z', { purpose: 'marketing' });
    const states = await given(customerView, withdrawn, grantedEarlierArrivingLater).states();
    expect((states.get('C1') as { consent: unknown }).consent).toEqual({ marketing: { granted: false, at: '2025-02-01T00:00:00Z' } });
  });

  it('counts purchases and refunds, channels and their last contact, first and last seen', async () => {
    await given(
      customerView,
      event('PurchaseMade', '2025-01-02T10:00:00Z', { orderId: 'o1', amount: { minor: 1000, currency: 'EUR' } }, 'store', 2),
      event('PurchaseMade', '2025-01-05T10:00:00Z', { orderId: 'o2', amount: { minor: 500, currency: 'EUR' } }, 'web', 2),
      event('RefundIssued', '2025-01-06T10:00:00Z', { refundId: 'r1', orderId: 'o2', amount: { minor: 500, currency: 'EUR' } }, 'web'),
    ).then('C1', {
      registeredAt: null,
      origin: null,
      identifiers: [],
      mergedIds: [],
      profile: {},
      consent: {},
      contactPreferences: {},
      channels: { store: { events: 1, lastContactAt: '2025-01-02T10:00:00Z' }, web: { events: 2, lastContactAt: '2025-01-06T10:00:00Z' } },
      purchases: { count: 2, minor: 1500, lastAt: '2025-01-05T10:00:00Z' },
      refunds: { count: 1, minor: 500 },
      enquiries: { open: {}, closed: 0, closedLate: 0 },
      complaints: { open: {}, closed: 0, closedLate: 0 },
      offerLog: [],
      sentiment: null,
      ideas: { submitted: 0, votesUp: 0, votesDown: 0 },
      defected: null,
      erased: null,
      firstSeen: '2025-01-02T10:00:00Z',
      lastSeen: '2025-01-06T10:00:00Z',
    });
  });

  it('shows each identifier once, linked when first linked and verified if any link was, its value opened from the log', async () => {
    const email = (occurredAt: string, verified: boolean) => event('IdentifierLinked', occurredAt, { identifier: { kind: 'email', value: 'twice@example.org' }, verified });
    const scenario = given(customerView, email('2025-01-05T00:00:00Z', false), email('2025-01-02T00:00:00Z', true), event('IdentifierLinked', '2025-01-03T00:00:00Z', { identifier: { kind: 'phone', value: '+4930123' }, verified: false }));
    // The state keeps every link (each value a reference to its own event; `states` shows them opened).
    expect(((await scenario.states()).get('C1') as { identifiers: unknown[] }).identifiers).toHaveLength(3);
    const view = (await scenario.query('C1', 'view', { at: new Date('2025-02-01T00:00:00Z') })) as { identifiers: unknown };
    expect(view.identifiers).toEqual([
      { kind: 'email', value: 'twice@example.org', linkedAt: '2025-01-02T00:00:00Z', verified: true },
      { kind: 'phone', value: '+4930123', linkedAt: '2025-01-03T00:00:00Z', verified: false },
    ]);
  });

  it('shows open and overdue promises and offers in the last 30 and 90 days at the moment asked', async () => {
    const view = (await given(
      customerView,
      event('EnquiryOpened', '2025-03-01T00:00:00Z', { enquiryId: 'E1', topic: 'size', dueBy: '2025-03-03T00:00:00Z' }),
      event('EnquiryOpened', '2025-03-01T00:00:00Z', { enquiryId: 'E2', topic: 'stock', dueBy: '2025-03-20T00:00:00Z' }),
      event('OfferPresented', '2025-01-10T00:00:00Z', { offerId: 'O1', campaign: 'a' }),
      event('OfferDeclined', '2025-01-11T00:00:00Z', { offerId: 'O1' }),
      event('OfferPresented', '2025-03-01T00:00:00Z', { offerId: 'O2', campaign: 'b' }),
      event('OfferAccepted', '2025-03-02T00:00:00Z', { offerId: 'O2' }),
    ).query('C1', 'view', { at: new Date('2025-03-10T00:00:00Z') })) as { enquiries: { openCount: number; overdueCount: number }; offers: unknown };
    expect(view.enquiries).toMatchObject({ openCount: 2, overdueCount: 1 });
    expect(view.offers).toEqual({ last30Days: { presented: 1, accepted: 1, declined: 0 }, last90Days: { presented: 2, accepted: 1, declined: 1 } });
  });
});
