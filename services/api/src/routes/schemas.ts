import { z } from 'zod';
import { Timestamp } from '@roc-ledger/events';

export const Instant = z
  .union([z.iso.date(), Timestamp], { error: 'expected YYYY-MM-DD or an ISO-8601 time with an offset, such as 2025-03-01T10:00:00+01:00' })
  .describe('YYYY-MM-DD (the end of that day, UTC) or an ISO-8601 time with an offset.');
export const toInstant = (text: string | undefined) => (text === undefined ? undefined : new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59.999Z` : text));

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    code: z.string().describe('Stable error code; see docs/errors.md.'),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    eventId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

export const AcceptedEvent = z
  .object({
    eventId: z.string(),
    customerId: z.string().describe('The canonical customer the event was resolved to.'),
    streamId: z.string(),
    globalPosition: z.int(),
    streamRevision: z.int(),
    recordedAt: z.string(),
    duplicate: z.boolean().describe('True when the event id was already stored with the same content.'),
    identityEvents: z.array(z.string()).describe('Events the ledger recorded with it: registrations, links, merges.'),
  })
  .meta({ id: 'AcceptedEvent' });

export const BatchItemResult = z.object({
  index: z.int(),
  status: z.int().describe('201 stored, 200 already stored, 4xx rejected (see problem).'),
  eventId: z.string().optional(),
  result: AcceptedEvent.optional(),
  problem: Problem.optional(),
});

export const BatchResult = z
  .object({
    accepted: z.int(),
    duplicates: z.int(),
    rejected: z.int(),
    results: z.array(BatchItemResult),
  })
  .meta({ id: 'BatchResult' });

export const problemResponses = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, Problem]));

export const CustomerHistoryResponse = z
  .object({
    customerId: z.string(),
    total: z.int().describe('Events of the customer before the cuts.'),
    matched: z.int().describe('Events inside the cuts; `events` is the page of them asked for.'),
    offset: z.int(),
    events: z.array(z.record(z.string(), z.unknown())).describe('Stored events with their ledger fields, in valid-time order.'),
  })
  .meta({ id: 'CustomerHistory' });

/** The wire form of an accepted event. */
export const acceptedEvent = (result: { identityEvents: readonly string[] } & Omit<z.infer<typeof AcceptedEvent>, 'identityEvents'>): z.infer<typeof AcceptedEvent> => ({
  eventId: result.eventId,
  customerId: result.customerId,
  streamId: result.streamId,
  globalPosition: result.globalPosition,
  streamRevision: result.streamRevision,
  recordedAt: result.recordedAt,
  duplicate: result.duplicate,
  identityEvents: [...result.identityEvents],
});
