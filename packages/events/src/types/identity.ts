import { z } from 'zod';
import { defineEvent } from '../defineEvent.ts';
import { CustomerId, Identifier, personal, personalText } from '../primitives.ts';

export const CustomerRegistered = defineEvent(
  'CustomerRegistered',
  1,
  'A new customer exists in the ledger. The envelope customer is the new customer id.',
  z.strictObject({
    origin: z.enum(['signup', 'first-contact', 'import']).describe('How the customer came to be known.'),
  }),
);

export const IdentifierLinked = defineEvent(
  'IdentifierLinked',
  1,
  'An identifier (e-mail, phone, loyalty card, web visitor id) belongs to the customer.',
  z.strictObject({
    identifier: Identifier,
    verified: z.boolean().describe('Whether the channel verified it (login, agent confirmation).'),
  }),
);

export const CustomersMerged = defineEvent(
  'CustomersMerged',
  1,
  'Two customer records are one person. The envelope customer is the survivor; the merged id folds into it.',
  z.strictObject({
    survivorId: CustomerId,
    mergedId: CustomerId,
    reason: z.string().min(1).max(200),
  }),
);

const Address = z.strictObject({
  line1: personalText(200),
  line2: personalText(200).optional(),
  city: personalText(100),
  postalCode: personalText(20),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code'),
});

export const ProfileUpdated = defineEvent(
  'ProfileUpdated',
  1,
  'Personal details the customer shared. Only the fields present change.',
  z
    .strictObject({
      givenName: personalText(100).optional(),
      familyName: personalText(100).optional(),
      birthDate: personal(z.iso.date()).optional(),
      address: Address.optional(),
    })
    .refine((d) => Object.keys(d).length > 0, { message: 'at least one profile field' }),
);
