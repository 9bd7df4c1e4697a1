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
