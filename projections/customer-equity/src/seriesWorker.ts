// The worker thread of offThread.ts: computes each job it is sent, in order.
import { parentPort } from 'node:worker_threads';
import { equityPoints, equitySeries, pointFor, unpackMoney, type CashMovement, type EquityOptions, type EquityPoint, type MoneyColumns, type Period, type Purchase } from '@roc-ledger/clv';

/** A whole series to `to`, or the points of some periods from the one before them (computed when not given). */
export type EquityJob =
  | { readonly kind: 'series'; readonly purchases: Purchase[]; readonly cash: CashMovement[]; readonly to: number; readonly options: EquityOptions }
  | { readonly kind: 'points'; readonly purchases: Purchase[]; readonly cash: CashMovement[]; readonly periods: Period[]; readonly before: Period; readonly previous: EquityPoint | undefined; readonly until: number; readonly options: EquityOptions };

export const runJob = (job: EquityJob): EquityPoint[] => {
  if (job.kind === 'series') return equitySeries(job.purchases, job.cash, job.to, job.options);
  const previous = job.previous ?? pointFor(job.purchases, job.cash, job.before, undefined, job.options);
  return equityPoints(job.purchases, job.cash, job.periods, previous, job.options, job.until);
};

/** A job without its purchases and cash movements (Omit on each kind of job). */
export type JobWithoutMoney = WithoutMoney<EquityJob>;
type WithoutMoney<J> = J extends unknown ? Omit<J, 'purchases' | 'cash'> : never;

/** A job as posted to the worker: its purchases and cash movements in columns, handed over whole. */
export type WireJob = JobWithoutMoney & { readonly money: MoneyColumns };

parentPort?.on('message', ({ id, job }: { id: number; job: WireJob }) => {
  try {
    const { money, ...rest } = job;
    parentPort!.postMessage({ id, points: runJob({ ...rest, ...unpackMoney(money) } as EquityJob) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
