/** The share of time the series' recomputations may take by default: a quarter. */
export const DEFAULT_MAX_BUSY_SHARE = 0.25;

export interface Pacing {
  /** Least time from one recomputation's start to the next's, whatever they cost. */
  readonly minIntervalMs: number;
  /** At most this share of the time (0 < share ≤ 1) goes to recomputing, averaged over one recomputation and the pause after it. */
  readonly maxBusyShare: number;
}

/**
 * How long to wait before the next recomputation. One that took D ms is followed by at least
 * D × (1 − share) / share ms of rest: under steady ingestion each recomputation rereads every
 * money event and refits every period's models, which without a cap kept half of a 2-core
 * machine busy and took that time from ingestion (docs/roc.md has the figures).
 */
export const nextUpdateDelay = (pacing: Pacing, last: { readonly startedAt: number; readonly durationMs: number } | undefined, now: number): number => {
  if (!last) return 0;
  const spacing = Math.max(pacing.minIntervalMs, last.durationMs / pacing.maxBusyShare);
  return Math.max(0, last.startedAt + spacing - now);
};

export const checkBusyShare = (share: number): number => {
  if (!(share > 0 && share <= 1)) throw new RangeError(`maxBusyShare must be above 0 and at most 1 (got ${share})`);
  return share;
};
