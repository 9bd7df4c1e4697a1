import { z } from 'zod';
import { defineEvent } from '../defineEvent.ts';

export const CONSENT_PURPOSES = ['marketing', 'analytics', 'profiling'] as const;
export const ConsentPurpose = z.enum(CONSENT_PURPOSES);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

export const ConsentGranted = defineEvent(
  'ConsentGranted',
  1,
  'The customer consented to a purpose.',
  z.strictObject({ purpose: ConsentPurpose }),
);

export const ConsentWithdrawn = defineEvent(
  'ConsentWithdrawn',
  1,
  'The customer withdrew consent for a purpose.',
  z.strictObject({ purpose: ConsentPurpose }),
);

export const ContactMedium = z.enum(['email', 'phone', 'sms', 'post', 'push']);

export const ContactPreferenceSet = defineEvent(
  'ContactPreferenceSet',
  1,
  'How the customer wants to be contacted on one medium.',
  z.strictObject({
    medium: ContactMedium,
    optedIn: z.boolean(),
    maxPerMonth: z.int().min(0).max(100).optional().describe('Upper bound on contacts per month, if the customer gave one.'),
  }),
);
