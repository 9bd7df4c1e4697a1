import { z } from 'zod';
import { defineEvent } from '../defineEvent.ts';
import { BusinessId, CurrencyCode, Money } from '../primitives.ts';

/** v1, as the first till integrations sent it: a decimal amount in major units. Upcast to v2 on read. */
export const PurchaseMadeV1 = defineEvent(
  'PurchaseMade',
  1,
  'Superseded by v2. A purchase with a decimal amount in major units.',
  z.strictObject({
    orderId: BusinessId,
    amount: z.number().nonnegative(),
    currency: CurrencyCode,
  }),
);

export const PurchaseMade = defineEvent(
  'PurchaseMade',
  2,
  'The customer bought something. cost, when given, makes margin available.',
  z.strictObject({
    orderId: BusinessId,
    amount: Money,
    cost: Money.optional(),
    items: z.int().positive().optional(),
  }),
);

export const RefundIssued = defineEvent(
  'RefundIssued',
  1,
  'Money went back to the customer for an order.',
  z.strictObject({
    refundId: BusinessId,
    orderId: BusinessId,
    amount: Money,
    reason: z.string().min(1).max(100).optional(),
  }),
);

export const CostToServeRecorded = defineEvent(
  'CostToServeRecorded',
  1,
  'A cost the firm bore to serve the customer (a call-centre minute, a delivery, a mailing).',
  z.strictObject({
    amount: Money,
    category: z.enum(['service', 'delivery', 'marketing', 'other']),
  }),
);
