import { createCustomer, type SimCustomer } from './customer.ts';
import { emitterFor, type GeneratedEvent } from './emitter.ts';
import { simulateMonth, type MonthContext } from './month.ts';
import { Random } from './random.ts';

export interface DemoOptions {
  readonly customers: number;
  readonly years: number;
  readonly seed: string | number;
  /** First day of the simulated history (UTC). Fixed by default so that output is reproducible. */
  readonly start?: string;
  /**
   * The currency of every amount (default EUR): a ledger takes money in its reporting currency
   * only. Amounts are the same numbers of minor units whatever the currency (58.48 EUR, 5,848 JPY).
   */
  readonly currency?: string;
}

export const DEFAULT_DEMO_START = '2023-01-01';

const byArrival = (a: GeneratedEvent, b: GeneratedEvent) =>
  a.arrivesAt - b.arrivesAt || (a.event.eventId < b.event.eventId ? -1 : 1);

/**
 * Simulates `customers` over `years`, month by month, and yields events in the order they
 * reach the ledger (arrival order). Memory holds one month of events plus late uploads.
 * The same options always yield the same events, byte for byte.
 */
export function* generateDemo(options: DemoOptions): Generator<GeneratedEvent> {
  const start = Date.parse(`${options.start ?? DEFAULT_DEMO_START}T00:00:00Z`);
  const startDate = new Date(start);
  const months = Math.round(options.years * 12);
  const end = Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth() + months, 1);
  const customers: SimCustomer[] = Array.from({ length: options.customers }, (_, i) =>
    createCustomer(i, new Random(options.seed, `customer-${i}`), start, end),
  );

  let pending: GeneratedEvent[] = [];
  const ideas: string[] = [];
  for (let m = 0; m < months; m++) {
    const month: MonthContext = {
      start: Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth() + m, 1),
      end: Date.UTC(startDate.getUTCFullYear(), startDate.getUTCMonth() + m + 1, 1),
      ideas,
      currency: options.currency ?? 'EUR',
    };
    for (const customer of customers) simulateMonth(customer, emitterFor(customer, pending), month);
    pending.sort(byArrival);
    const cut = m === months - 1 ? pending.length : pending.findIndex((g) => g.arrivesAt >= month.end);
    const ready = cut === -1 ? pending : pending.slice(0, cut);
    pending = cut === -1 ? [] : pending.slice(cut);
    // Events dated after the simulated period (a refund, a late defection) are cut off with it.
    for (const generated of ready) if (Date.parse(generated.event.occurredAt) < end) yield generated;
  }
}
