import { z } from 'zod';
import { defineEvent } from '../defineEvent.ts';
import { BusinessId, Timestamp } from '../primitives.ts';

export const OfferPresented = defineEvent(
  'OfferPresented',
  1,
  'The firm put an offer in front of the customer.',
  z.strictObject({
    offerId: BusinessId,
    campaign: z.string().min(1).max(100),
    product: z.string().min(1).max(100).optional(),
    expiresAt: Timestamp.optional(),
  }),
);

export const OfferAccepted = defineEvent(
  'OfferAccepted',
  1,
  'The customer took the offer.',
  z.strictObject({
    offerId: BusinessId,
    orderId: BusinessId.optional(),
  }),
);

export const OfferDeclined = defineEvent(
  'OfferDeclined',
  1,
  'The customer said no to the offer.',
  z.strictObject({
    offerId: BusinessId,
    reason: z.enum(['not-relevant', 'too-expensive', 'too-many-offers', 'other']).optional(),
  }),
);
