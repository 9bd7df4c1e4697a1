import { equitySeries, moneyFromLedger, type EquityOptions, type EquityPoint, type PeriodUnit } from '@roc-ledger/clv';
import { EquityTracker } from '@roc-ledger/customer-equity';
import type { EventStore } from '@roc-ledger/ledger';

/** An equity tracker over the store (its series in memory, recomputed at once), caught up to the head. */
export const trackerCaughtUp = async (store: EventStore, period: PeriodUnit): Promise<EquityTracker> => {
  const tracker = new EquityTracker({ store, path: ':memory:', period, minIntervalMs: 0 });
  tracker.start();
  await tracker.waitFor((await store.head()).position);
  return tracker;
};

/** The series computed from scratch on the log as known at `knownAt` (default: the head's transaction time). */
export const seriesFromScratch = async (store: EventStore, options: EquityOptions, knownAt?: Date): Promise<EquityPoint[]> => {
  const now = knownAt ?? new Date((await store.head()).recordedAt!);
  const money = await moneyFromLedger(store, { knownAt: now });
  return equitySeries(money.purchases, money.cash, now.getTime(), options);
};
