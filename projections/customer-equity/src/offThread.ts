import { Worker } from 'node:worker_threads';
import { copyColumns, packMoney, transferablesOf, type EquityOptions, type EquityPoint, type LedgerMoney, type MoneyColumns, type Period } from '@roc-ledger/clv';
import { runJob, type EquityJob, type JobWithoutMoney, type WireJob } from './seriesWorker.ts';

const WORKER = new URL('./seriesWorker.ts', import.meta.url);

interface Job {
  resolve(points: EquityPoint[]): void;
  reject(error: Error): void;
}

let worker: Worker | undefined;
let nextId = 0;
const jobs = new Map<number, Job>();

/** One worker thread, started on first use and kept. */
const theWorker = (): Worker => {
  if (worker) return worker;
  const started = new Worker(WORKER);
  started.on('message', ({ id, points, error }: { id: number; points?: EquityPoint[]; error?: string }) => {
    const job = jobs.get(id);
    jobs.delete(id);
    if (jobs.size === 0) started.unref();
    if (error !== undefined) job?.reject(new Error(error));
    else job?.resolve(points!);
  });
  const fail = (error: Error) => {
    worker = undefined;
    for (const job of jobs.values()) job.reject(error);
    jobs.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`the equity worker exited with code ${code}`)));
  // Referenced only while it has work (ref'd below): an idle worker never holds the process open.
  // After the listeners, since a 'message' listener refs the worker's port again.
  started.unref();
  worker = started;
  return started;
};

/** The money a series is computed from: a cut of the ledger's (LedgerMoney, which has it in columns too), or objects. */
export type SeriesMoney = Pick<LedgerMoney, 'purchases' | 'cash'> & { readonly columns?: MoneyColumns };

/**
 * equitySeries on a worker thread, so that the service keeps answering while the models of every
 * period are fitted (seconds to minutes on a large ledger). The worker takes one series at a time,
 * in order: each is CPU-bound, and several at once on a small machine only make each slower.
 * Options with a trust input (which holds a function) are computed on this thread.
 */
export const equitySeriesOffThread = (money: SeriesMoney, to: number, options: EquityOptions): Promise<EquityPoint[]> => offThread(money, { kind: 'series', to, options });

/**
 * The points of some periods, each from the one before, on the worker thread: the live update of a
 * tracked series. `previous` is the point of `before`, computed there when not kept.
 */
export const equityPointsOffThread = (money: SeriesMoney, periods: Period[], before: Period, previous: EquityPoint | undefined, until: number, options: EquityOptions): Promise<EquityPoint[]> =>
  offThread(money, { kind: 'points', periods, before, previous, until, options });

const offThread = (money: SeriesMoney, job: JobWithoutMoney): Promise<EquityPoint[]> => {
  if (job.options.trust) return Promise.resolve(runJob({ ...job, purchases: money.purchases, cash: money.cash } as EquityJob));
  return new Promise((resolve, reject) => {
    const id = nextId++;
    jobs.set(id, { resolve, reject });
    try {
      const busy = theWorker();
      busy.ref();
      // A copy of the columns is handed over (transferred, not copied again); the cut keeps its own.
      const columns = money.columns ? copyColumns(money.columns) : packMoney(money.purchases, money.cash);
      const wire: WireJob = { ...job, money: columns } as WireJob;
      busy.postMessage({ id, job: wire }, transferablesOf(columns));
    } catch (error) {
      jobs.delete(id);
      reject(error as Error);
    }
  });
};

/** Ends the worker thread, failing the series in flight: for a shutdown that must not wait for one. */
export const terminateEquityWorker = async (): Promise<void> => {
  const running = worker;
  worker = undefined;
  await running?.terminate();
};
