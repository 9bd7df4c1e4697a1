import { uuidv7, type AnyVersionEventInput, type Channel, type CustomerRef, type EventInput } from '@roc-ledger/events';
import type { SimCustomer } from './customer.ts';

export interface GeneratedEvent {
  readonly event: AnyVersionEventInput;
  /** When the event reaches the ledger: minutes after it happened, or days later for store till uploads. */
  readonly arrivesAt: number;
}

const HOUR = 3_600_000;
const SOURCES: Record<Channel, string> = {
  web: 'webshop',
  phone: 'callcentre',
  store: 'pos',
  email: 'crm-mailer',
  app: 'mobile-app',
  partner: 'partner-gateway',
  system: 'ledger-demo',
};

/** Builds events for one customer; ids and arrival delays come from the customer's own random stream. */
export const emitterFor = (customer: SimCustomer, out: GeneratedEvent[]) => {
  const { rng } = customer;

  const refFor = (channel: Channel): CustomerRef => {
    const { linked, identifiers } = customer;
    if (channel === 'store' && linked.has('loyaltyCard') && rng.chance(0.7)) return { kind: 'loyaltyCard', value: identifiers.loyaltyCard };
    if (channel === 'web' && linked.has('webVisitorId') && rng.chance(0.5)) return { kind: 'webVisitorId', value: identifiers.webVisitorId };
    if (channel === 'email' && linked.has('email') && rng.chance(0.5)) return { kind: 'email', value: identifiers.email };
    if (channel === 'phone' && linked.has('phone') && rng.chance(0.5)) return { kind: 'phone', value: identifiers.phone };
    return { kind: 'customerId', value: customer.id };
  };

  const arrivesAt = (at: number, channel: Channel, type: EventInput['type'], inOrder: boolean): number => {
    if (channel === 'store' && (type === 'PurchaseMade' || type === 'RefundIssued') && rng.chance(0.6)) {
      // Tills upload the day's rolls overnight, some days late.
      return at + rng.int(1, 5) * 24 * HOUR + rng.int(0, 6) * HOUR;
    }
    // Real-time channels deliver within minutes; one flow (a signup) publishes its events in order.
    const arrival = at + rng.int(1, 300) * 1000;
    if (!inOrder) return arrival;
    customer.lastArrival = Math.max(arrival, customer.lastArrival + 1);
    return customer.lastArrival;
  };

  return <T extends EventInput['type']>(
    type: T,
    channel: Channel,
    at: number,
    data: Extract<EventInput, { type: T }>['data'],
    options: { byId?: boolean; schemaVersion?: number; inOrder?: boolean } = {},
  ): void => {
    const schemaVersion = options.schemaVersion ?? (type === 'PurchaseMade' ? 2 : 1);
    const event = {
      eventId: uuidv7(new Date(at), rng.bytes(10)),
      type,
      schemaVersion,
      customer: options.byId ? { kind: 'customerId', value: customer.id } : refFor(channel),
      channel,
      source: `${SOURCES[channel]}${channel === 'store' ? `-${String((customer.index % 6) + 1).padStart(2, '0')}` : ''}`,
      occurredAt: new Date(at).toISOString(),
      data,
    } as EventInput;
    customer.counter++;
    out.push({ event, arrivesAt: arrivesAt(at, channel, type, options.inOrder ?? false) });
  };
};

export type Emit = ReturnType<typeof emitterFor>;
