import { NO_PERSONAL_DATA, type EventStore } from '@roc-ledger/ledger';
import { querySeries } from './query.ts';
import type { EquityTracker } from './tracker.ts';

/** The last instant of the UTC month holding t. */
const monthEndOf = (t: number): Date => {
  const d = new Date(t);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1);
};

/**
 * The moments the dashboard's known-at slider stops at: the end of every month of transaction
 * time from the first event's month to the month before the head's (the head's own month is
 * "now"). Each is before the head, so the series as known then is final.
 */
export const knownAtStops = async (store: EventStore): Promise<Date[]> => {
  const head = await store.head();
  if (!head.recordedAt) return [];
  let first: string | undefined;
  for await (const event of store.readAll({ maxCount: 1, openPersonalData: NO_PERSONAL_DATA })) first = event.recordedAt;
  const headAt = new Date(head.recordedAt);
  const headMonthStart = Date.UTC(headAt.getUTCFullYear(), headAt.getUTCMonth(), 1);
  const stops: Date[] = [];
  for (let end = monthEndOf(Date.parse(first!)); end.getTime() < headMonthStart; end = monthEndOf(end.getTime() + 1)) stops.push(end);
  return stops;
};

export interface KnownAtPreparation {
  /** False until a first pass has counted the stops: until then `stops` and `kept` say nothing. */
  readonly started: boolean;
  readonly stops: number;
  readonly kept: number;
  readonly running: boolean;
}

/**
 * Computes, one at a time and newest first, the monthly series as known at each stop not kept yet,
 * so that moving the slider later answers from what is kept. Runs on the equity worker thread
 * (each series takes seconds to a minute on a large ledger); queries asked meanwhile wait for at
 * most the series being computed. Call again later to add the month ends that have passed since.
 */
export class KnownAtPreparer {
  private readonly store: EventStore;
  private readonly tracker: EquityTracker;
  private state: KnownAtPreparation = { started: false, stops: 0, kept: 0, running: false };
  private run: Promise<void> | undefined;
  private stopped = false;

  constructor(store: EventStore, tracker: EquityTracker) {
    this.store = store;
    this.tracker = tracker;
  }

  get progress(): KnownAtPreparation {
    return this.state;
  }

  /** Starts a pass unless one is running; resolves when it ends. */
  prepare(onError?: (error: unknown) => void): Promise<void> {
    this.run ??= this.pass()
      .catch((error) => {
        if (!this.stopped) onError?.(error);
      })
      .finally(() => {
        this.run = undefined;
        this.state = { ...this.state, running: false };
      });
    return this.run;
  }

  /** Starts no further series. The one being computed is not waited for (terminateEquityWorker ends it). */
  stop(): void {
    this.stopped = true;
  }

  private async pass(): Promise<void> {
    await this.tracker.current;
    const stops = await knownAtStops(this.store);
    const unit = this.tracker.period;
    const missing = stops.filter((stop) => !this.tracker.hasKnownAt(unit, stop)).reverse();
    this.state = { started: true, stops: stops.length, kept: stops.length - missing.length, running: true };
    for (const stop of missing) {
      if (this.stopped) return;
      await querySeries(this.store, this.tracker, { period: unit, knownAt: stop });
      this.state = { ...this.state, kept: this.state.kept + 1 };
    }
  }
}
