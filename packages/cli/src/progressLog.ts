import type { Progress } from '@roc-ledger/projections';

export interface ProgressLine {
  readonly position: number;
  readonly head: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
}

/**
 * A backfill's progress for the service's log: a line every `everyMs`, the first `everyMs` after
 * start, since a rate taken over the first events is noise (the first report, at position 1, had
 * put 7,089 s on a backfill of 2.4 s). A backfill shorter than that logs none.
 */
export const progressLog = (write: (line: ProgressLine) => void, everyMs = 5000, now = Date.now) => {
  let last = now();
  return (progress: Progress): void => {
    if (progress.caughtUp || now() - last < everyMs) return;
    last = now();
    write({
      position: progress.position,
      head: progress.head,
      eventsPerSecond: Math.round(progress.eventsPerSecond),
      etaSeconds: progress.etaSeconds === null ? null : Math.round(progress.etaSeconds),
    });
  };
};
