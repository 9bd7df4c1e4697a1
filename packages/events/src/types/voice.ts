import { z } from 'zod';
import { defineEvent } from '../defineEvent.ts';
import { BusinessId, personalText } from '../primitives.ts';

export const SentimentRecorded = defineEvent(
  'SentimentRecorded',
  1,
  "An agent's record of how the customer felt: a score from -2 (very unhappy) to 2 (delighted) and a note.",
  z.strictObject({
    score: z.int().min(-2).max(2),
    agentId: BusinessId,
    note: personalText().optional(),
  }),
);

export const IdeaSubmitted = defineEvent(
  'IdeaSubmitted',
  1,
  'The customer proposed an idea.',
  z.strictObject({
    ideaId: BusinessId,
    title: personalText(200),
    description: personalText().optional(),
  }),
);

export const IdeaVoted = defineEvent(
  'IdeaVoted',
  1,
  "The customer voted on an idea (their own or another customer's).",
  z.strictObject({
    ideaId: BusinessId,
    vote: z.enum(['up', 'down']),
  }),
);
