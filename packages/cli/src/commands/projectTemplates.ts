// What `project init` writes for an analyst to start from: a per-customer projection and its tests.

export const projectionModuleTemplate = (name: string): string => `// ${name}: a projection of your own, folded over the whole log by
//   roc-ledger project run ${name}.ts --out ${name}.csv
// and kept current by the service after
//   roc-ledger project add ${name}.ts
// Raise \`version\` whenever the handlers or the state's shape change: the service rebuilds it beside the old one.
import { minorUnitDigits } from '@roc-ledger/events';
import { compareInstants, defineProjection } from '@roc-ledger/projections';

interface State {
  purchases: number;
  refunds: number;
  /** Spent, less refunds, in minor units per currency. */
  net: Record<string, number>;
  /** The channel of the first purchase (valid time). */
  firstPurchase: { at: string; channel: string } | null;
}

export default defineProjection<State>({
  name: '${name}',
  version: 1,
  description: 'Purchases and refunds per customer, net spend per currency, and the channel of the first purchase.',
  consumes: ['PurchaseMade', 'RefundIssued'],
  initialState: { purchases: 0, refunds: 0, net: {}, firstPurchase: null },
  handlers: {
    // Handlers are pure: the state and the event in, the state changed in place. Time comes from the event.
    PurchaseMade: (state, event) => {
      state.purchases += 1;
      state.net[event.data.amount.currency] = (state.net[event.data.amount.currency] ?? 0) + event.data.amount.minor;
      // A late event can be older than what was folded before it: compare valid times (as instants: they may carry offsets).
      if (!state.firstPurchase || compareInstants(event.occurredAt, state.firstPurchase.at) < 0) state.firstPurchase = { at: event.occurredAt, channel: event.channel };
    },
    RefundIssued: (state, event) => {
      state.refunds += 1;
      state.net[event.data.amount.currency] = (state.net[event.data.amount.currency] ?? 0) - event.data.amount.minor;
    },
  },
  queries: {
    /** One row per customer and currency: what \`project run --out x.csv\` writes, net in the currency's major units (a euro is 100 minor units, a yen 1). */
    rows: (state, { partition }) =>
      Object.entries(state.net).map(([currency, minor]) => ({ customer: partition, currency, net: minor / 10 ** minorUnitDigits(currency), purchases: state.purchases, refunds: state.refunds, firstChannel: state.firstPurchase?.channel ?? null })),
  },
});
`;

export const projectionTestTemplate = (name: string): string => `// Given these events, the state is exactly this:   roc-ledger project test .
import { deepStrictEqual } from 'node:assert';
import { test } from 'node:test';
import { anEvent, given } from '@roc-ledger/projections/testing';
import projection from './${name}.ts';

const purchase = (orderId: string, occurredAt: string, minor: number, channel: 'web' | 'store', currency = 'EUR') =>
  anEvent('PurchaseMade', 'C1', occurredAt, { orderId, amount: { minor, currency } }, { channel });
const refund = (orderId: string, occurredAt: string, minor: number) => anEvent('RefundIssued', 'C1', occurredAt, { refundId: \`R-\${orderId}\`, orderId, amount: { minor, currency: 'EUR' } });

test('counts purchases and refunds, and keeps the channel of the first purchase', async () => {
  await given(projection, purchase('O-1', '2025-03-01T10:00:00Z', 2500, 'store'))
    .when(purchase('O-2', '2025-03-05T10:00:00Z', 1000, 'web'), refund('O-1', '2025-03-06T10:00:00Z', 500))
    .then('C1', { purchases: 2, refunds: 1, net: { EUR: 3000 }, firstPurchase: { at: '2025-03-01T10:00:00Z', channel: 'store' } });
});

test('a purchase recorded late but made earlier becomes the first, its time compared as an instant', async () => {
  // 11:00 at +02:00 is 09:00 UTC: an hour before the purchase folded first, though its text sorts after it.
  await given(projection, purchase('O-2', '2025-03-05T10:00:00Z', 1000, 'web'), purchase('O-1', '2025-03-05T11:00:00+02:00', 2500, 'store'))
    .then('C1', { purchases: 2, refunds: 0, net: { EUR: 3500 }, firstPurchase: { at: '2025-03-05T11:00:00+02:00', channel: 'store' } });
});

test('gives one row per customer and currency', async () => {
  const rows = await given(projection, purchase('O-1', '2025-03-01T10:00:00Z', 2500, 'store')).query('C1', 'rows', { at: new Date('2025-04-01T00:00:00Z') });
  deepStrictEqual(rows, [{ customer: 'C1', currency: 'EUR', net: 25, purchases: 1, refunds: 0, firstChannel: 'store' }]);
});

test('writes net spend in major units: on a ledger reporting in yen, which has no minor unit, as it is', async () => {
  const rows = await given(projection, purchase('O-1', '2025-03-01T10:00:00Z', 2500, 'store', 'JPY')).query('C1', 'rows', { at: new Date('2025-04-01T00:00:00Z') }, { reportingCurrency: 'JPY' });
  deepStrictEqual(rows, [{ customer: 'C1', currency: 'JPY', net: 2500, purchases: 1, refunds: 0, firstChannel: 'store' }]);
});
`;
