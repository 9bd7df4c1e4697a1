import { uuidv7, type AnyVersionEventInput, type EventInput } from '@roc-ledger/events';

let counter = 0;

/** A valid InteractionRecorded for a customer; override any envelope field. */
export const interaction = (customerId: string, overrides: Partial<EventInput> = {}): EventInput =>
  ({
    eventId: uuidv7(),
    type: 'InteractionRecorded',
    schemaVersion: 1,
    customer: { kind: 'customerId', value: customerId },
    channel: 'web',
    source: 'test-web',
    occurredAt: new Date(Date.UTC(2025, 0, 1) + counter++ * 60_000).toISOString(),
    data: { kind: 'visit', initiatedBy: 'customer' },
    ...overrides,
  }) as EventInput;

export const purchase = (customerId: string, minor: number, currency = 'EUR', overrides: Partial<EventInput> = {}): EventInput =>
  ({
    ...interaction(customerId),
    type: 'PurchaseMade',
    schemaVersion: 2,
    channel: 'store',
    data: { orderId: `o-${counter++}`, amount: { minor, currency } },
    ...overrides,
  }) as EventInput;

/** A PurchaseMade in its superseded v1 shape (decimal major units). */
export const purchaseV1 = (customerId: string, amount: number, currency = 'EUR'): AnyVersionEventInput =>
  ({
    ...interaction(customerId),
    type: 'PurchaseMade',
    schemaVersion: 1,
    channel: 'store',
    data: { orderId: `o-${counter++}`, amount, currency },
  }) as AnyVersionEventInput;

export const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

/** A clock the test moves by hand. */
export const manualClock = (start = '2025-06-01T00:00:00.000Z') => {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso).getTime();
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
};
