import { z } from 'zod';
import { defineEvent } from '../defineEvent.ts';
import { personalText } from '../primitives.ts';

export const CustomerDefected = defineEvent(
  'CustomerDefected',
  1,
  'The customer ended the relationship (closed the account, said they switched).',
  z.strictObject({
    reason: z.enum(['switched', 'closed-account', 'dissatisfied', 'other']),
    note: personalText().optional(),
  }),
);

export const CustomerErased = defineEvent(
  'CustomerErased',
  1,
  "The customer's personal data was erased: the keys sealing it were destroyed. Non-personal facts stay.",
  z.strictObject({
    basis: z.enum(['customer-request', 'retention-expired', 'legal-order', 'other']).describe('Why the data was erased.'),
    reference: z.string().min(1).max(200).optional().describe('The request or ticket id, for the record (never personal data).'),
    members: z.array(z.string().min(1).max(128)).min(1).describe('The customer ids whose keys were destroyed: the customer and every customer merged into it.'),
  }),
);
