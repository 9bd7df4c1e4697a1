import { z } from 'zod';
import { defineEvent } from '../defineEvent.ts';
import { BusinessId, personalText, Timestamp } from '../primitives.ts';

export const InteractionRecorded = defineEvent(
  'InteractionRecorded',
  1,
  'A contact with the customer: a web visit, a call, a chat, a store visit.',
  z.strictObject({
    kind: z.enum(['visit', 'call', 'chat', 'store-visit', 'email', 'app-session']),
    initiatedBy: z.enum(['customer', 'firm']),
    topic: z.string().min(1).max(100).optional(),
    durationSeconds: z.int().nonnegative().optional(),
    note: personalText().optional(),
  }),
);

export const EnquiryOpened = defineEvent(
  'EnquiryOpened',
  1,
  'The customer asked for something; dueBy is the promise (SLA) the firm made.',
  z.strictObject({
    enquiryId: BusinessId,
    topic: z.string().min(1).max(100),
    dueBy: Timestamp,
    note: personalText().optional(),
  }),
);

export const EnquiryFulfilled = defineEvent(
  'EnquiryFulfilled',
  1,
  'The firm answered the enquiry.',
  z.strictObject({
    enquiryId: BusinessId,
    note: personalText().optional(),
  }),
);

export const ComplaintOpened = defineEvent(
  'ComplaintOpened',
  1,
  'The customer complained; dueBy is the promised resolution time.',
  z.strictObject({
    complaintId: BusinessId,
    category: z.string().min(1).max(100),
    severity: z.enum(['low', 'medium', 'high']),
    dueBy: Timestamp,
    note: personalText().optional(),
  }),
);

export const ComplaintResolved = defineEvent(
  'ComplaintResolved',
  1,
  'The complaint was closed.',
  z.strictObject({
    complaintId: BusinessId,
    outcome: z.enum(['upheld', 'partially-upheld', 'rejected']),
    note: personalText().optional(),
  }),
);
