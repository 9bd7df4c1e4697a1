import { uuidv7 } from '@roc-ledger/events';

let at = Date.parse('2025-03-01T09:00:00Z');

/** A web-channel event as a producer publishes it, a minute after the previous one. */
export const webEvent = (customer: { kind: string; value: string }, type: string, data: unknown, schemaVersion = 1) => ({
  eventId: uuidv7(),
  type,
  schemaVersion,
  customer,
  channel: 'web',
  source: 'web-shop',
  occurredAt: new Date((at += 60_000)).toISOString(),
  data,
});

export const byEmail = (email: string) => ({ kind: 'email', value: email });
export const byId = (id: string) => ({ kind: 'customerId', value: id });

/** A ProfileUpdated naming the customer by e-mail: personal data in the reference and in the data. */
export const profileByEmail = (email: string, givenName: string) => webEvent(byEmail(email), 'ProfileUpdated', { givenName });
