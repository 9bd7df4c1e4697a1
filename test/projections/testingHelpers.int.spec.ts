import { describe, expect, it } from 'vitest';
import { createContract } from '@roc-ledger/events';
import { defineProjection } from '@roc-ledger/projections';
import { anEvent, given } from '@roc-ledger/projections/testing';

const contract = createContract({ reportingCurrency: 'EUR' });

const spend = defineProjection<{ minor: number; channels: string[]; eventIds: string[] }>({
  name: 'spend',
  version: 1,
  consumes: ['PurchaseMade'],
  initialState: { minor: 0, channels: [], eventIds: [] },
  handlers: {
    PurchaseMade: (state, event) => {
      state.minor += event.data.amount.minor;
      state.channels.push(event.channel);
      state.eventIds.push(event.eventId);
    },
  },
});

describe('anEvent (projections testing)', () => {
  it("makes events the contract accepts, at the type's current schema version, with distinct ids", () => {
    const purchase = anEvent('PurchaseMade', 'C1', '2025-01-01T10:00:00Z', { orderId: 'O-1', amount: { minor: 1500, currency: 'EUR' }, items: 1 });
    const visit = anEvent('InteractionRecorded', { kind: 'email', value: 'ana@example.org' }, '2025-01-02T10:00:00Z', { kind: 'visit', initiatedBy: 'customer' }, { channel: 'app', source: 'app-ios' });
    expect(contract.parse(purchase)).toMatchObject({ type: 'PurchaseMade', schemaVersion: 2, customer: { kind: 'customerId', value: 'C1' }, channel: 'web', source: 'test' });
    expect(contract.parse(visit)).toMatchObject({ schemaVersion: 1, customer: { kind: 'email', value: 'ana@example.org' }, channel: 'app', source: 'app-ios' });
    expect(purchase.eventId).not.toBe(visit.eventId);
  });

  it('folds through given/when/then, an eventId given kept as given', async () => {
    const buy = (minor: number, channel: 'web' | 'store', eventId?: string) =>
      anEvent('PurchaseMade', 'C1', '2025-01-01T10:00:00Z', { orderId: `O-${minor}`, amount: { minor, currency: 'EUR' }, items: 1 }, { channel, ...(eventId ? { eventId } : {}) });
    const id = '0195aaaa-0000-7000-8000-000000000001';
    await given(spend, buy(1000, 'store', id)).when(buy(250, 'web', '0195aaaa-0000-7000-8000-000000000002')).then('C1', { minor: 1250, channels: ['store', 'web'], eventIds: [id, '0195aaaa-0000-7000-8000-000000000002'] });
    await expect(given(spend, buy(1000, 'store')).then('C1', { minor: 999, channels: ['store'], eventIds: [] })).rejects.toThrow(/spend@1, partition C1: differs at (minor, eventIds|eventIds, minor)/);
  });
});
