import { Worker } from 'node:worker_threads';
import { copyColumns, packMoney, transferablesOf, type EquityOptions, type EquityPoint, type LedgerMoney, type MoneyColumns, type Period } from '@roc-ledger/clv';
import { runJob, type EquityJob, type JobWithoutMoney, type WireJob } from './seriesWorker.ts';

const WORKER = new URL('./seriesWorker.ts', import.meta.url);

interface Job {
  resolve(points: EquityPoint[]): void;
  reject(error: Error): void;
}

/**
 * How long the worker thread is kept without work before it ends. A thread that has computed large
 * series holds their garbage until V8's memory reducer gets to it, minutes later, and keeps its
 * heap and code after that; ended, it gives all of it back, and the next series starts a new one
 * (0.3-0.5 s to start). `serve` after a first start on the bench's million-event ledger: RSS
 * 1.15 GB for two minutes, then 588 MB, with the worker kept; 757 MB after 90 s, then 494 MB,
 * with it ended.
 */
const DEFAULT_IDLE_END_MS = 30_000;

/**
 * The most V8's young generation may grow to in the worker, in MiB (left to itself, 192). Three
 * series of 20,000 demo customers over 3 years (98,945 purchases), 2 alternated runs each: the
 * process's peak RSS grew 273-275 MB with 32 against 411-414 MB left to V8, in 36.3-36.9 s against
 * 36.1-36.2 s.
 */
const EQUITY_YOUNG_GENERATION_MB = 32;
let idleEndMs = DEFAULT_IDLE_END_MS;

let worker: Worker | undefined;
let idleEnd: NodeJS.Timeout | undefined;
let nextId = 0;
const jobs = new Map<number, Job>();

/** One worker thread, started on first use and kept while it has work, ended once idle for `idleEndMs`. */
const theWorker = (): Worker => {
  clearTimeout(idleEnd);
  if (worker) return worker;
  const started = new Worker(WORKER, { resourceLimits: { maxYoungGenerationSizeMb: EQUITY_YOUNG_GENERATION_MB } });
  started.on('message', ({ id, points, error }: { id: number; points?: EquityPoint[]; error?: string }) => {
    const job = jobs.get(id);
    jobs.delete(id);
    if (jobs.size === 0) {
      started.unref();
      idleEnd = setTimeout(() => jobs.size === 0 && void endWorker(started), idleEndMs).unref();
    }
    if (error !== undefined) job?.reject(new Error(error));
    else job?.resolve(points!);
  });
  const fail = (error: Error) => {
    // A thread ended and already replaced fails nothing of its successor's.
    if (worker !== started) return;
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

const endWorker = async (ending: Worker | undefined): Promise<void> => {
  if (!ending || worker !== ending) return;
  clearTimeout(idleEnd);
  worker = undefined;
  for (const job of jobs.values()) job.reject(new Error('the equity worker was ended'));
  jobs.clear();
  await ending.terminate();
};

/** Ends the worker thread, failing the series in flight: for a shutdown that must not wait for one. */
export const terminateEquityWorker = (): Promise<void> => endWorker(worker);

/**
 * Ends the worker thread now if it has no series to compute, rather than after `idleEndMs`: for a
 * caller that knows no series follows soon and wants the thread's memory back at once.
 */
export const endIdleEquityWorker = (): Promise<void> => (jobs.size === 0 ? endWorker(worker) : Promise.resolve());

/** Whether the worker thread is running now. */
export const equityWorkerRunning = (): boolean => worker !== undefined;

/** How long an idle worker thread is kept (default 30 s); for tests. */
export const setEquityWorkerIdleEnd = (ms: number): void => {
  idleEndMs = ms;
};
