import { modelsFor, moneyFromLedger, readMoneyLog, SEGMENTS, type EquityOptions, type EquityPoint, type PeriodUnit, type SegmentBy } from '@roc-ledger/clv';
import { RocLedgerError } from '@roc-ledger/events';
import type { EventStore } from '@roc-ledger/ledger';
import { knownAtFromLater, type LaterSeries } from './knownAtFromLater.ts';
import { equitySeriesOffThread } from './offThread.ts';
import type { EquityTracker } from './tracker.ts';
import { trustFromLedger } from './trust.ts';

export interface SeriesQuery {
  readonly period?: PeriodUnit;
  /** Only periods starting at or after / before these instants. */
  readonly from?: Date;
  readonly to?: Date;
  /** Valid time: the series as things had happened by then (it ends with the period holding asOf). */
  readonly asOf?: Date;
  /** Transaction time: the series as the ledger believed it then, before anything recorded later. */
  readonly knownAt?: Date;
  readonly segment?: SegmentBy;
  /** Also each of these customers' own CE per period (canonical customer ids). */
  readonly customers?: readonly string[];
  /** Adjust each customer's expected purchases by their trust score at the valuation instant (strength, e.g. 0.2; see TrustInput). */
  readonly trustAdjustment?: number;
  /** Value every period with the models fitted on the history up to this instant (a pinned model version), instead of refitting at each period end. */
  readonly pinModelsAt?: Date;
  readonly horizonMonths?: number;
  readonly monthlyDiscountRate?: number;
}

export interface SeriesAnswer {
  readonly period: PeriodUnit;
  /** tracked: the series the service keeps current; computed: folded from the log for this query; kept: computed for this knownAt before and kept, being final. */
  readonly source: 'tracked' | 'computed' | 'kept';
  readonly segment: SegmentBy | null;
  readonly points: readonly EquityPoint[];
}

/** The series folded from the log cut at `known` (and asOf), valued as the query asks. */
const computeSeries = async (store: EventStore, query: SeriesQuery, period: PeriodUnit, known: Date): Promise<EquityPoint[]> => {
  const money = await moneyFromLedger(store, { knownAt: known, ...(query.asOf ? { asOf: query.asOf } : {}) });
  const to = Math.min(known.getTime(), query.asOf?.getTime() ?? Number.POSITIVE_INFINITY);
  let pinned: EquityOptions['models'];
  if (query.pinModelsAt) {
    const models = modelsFor(money.purchases, query.pinModelsAt.getTime(), { period, models: 'refit' });
    if ('unavailable' in models) throw new ModelsUnavailableError(query.pinModelsAt, models.unavailable);
    pinned = models;
  }
  const needsTrust = query.segment === 'trust-band' || query.trustAdjustment !== undefined;
  const trust = needsTrust ? await trustFromLedger(store, { knownAt: known }, query.trustAdjustment) : undefined;
  const options: EquityOptions = {
    period,
    segments: query.segment === 'trust-band' ? [...SEGMENTS, 'trust-band'] : SEGMENTS,
    ...(trust ? { trust } : {}),
    ...(query.customers ? { customers: query.customers } : {}),
    ...(pinned ? { models: pinned } : {}),
    ...(query.horizonMonths !== undefined ? { horizonMonths: query.horizonMonths } : {}),
    ...(query.monthlyDiscountRate !== undefined ? { monthlyDiscountRate: query.monthlyDiscountRate } : {}),
  };
  return equitySeriesOffThread(money, to, options);
};

/** The kept series of the next later instant, else the tracked series when it is of this period and valued by default. */
const laterSeries = (tracker: EquityTracker, period: PeriodUnit, known: Date): LaterSeries | undefined => {
  const kept = tracker.keptAfter(period, known);
  if (kept) return { points: kept.points, cut: { knownAt: kept.knownAt } };
  if (period !== tracker.period || !tracker.valuedByDefault) return undefined;
  const { through, points } = tracker.trackedCut();
  return { points, cut: { through } };
};

/**
 * A final series (as known at an instant before the head, valued by default) from the nearest
 * later one computed: the kept series of the next later instant, else the tracked series (when it
 * is of this period and valued by default), else from scratch.
 */
const finalSeries = async (store: EventStore, tracker: EquityTracker, period: PeriodUnit, known: Date): Promise<EquityPoint[]> => {
  const options: EquityOptions = { period, segments: SEGMENTS };
  const later = laterSeries(tracker, period, known);
  if (!later) return computeSeries(store, {}, period, known);
  // The tracker's money in memory, if it reaches the later cut (it does, unless nothing was recorded after a kept instant).
  const log = await tracker.money();
  return knownAtFromLater(log.covers(later.cut) ? log : await readMoneyLog(store, later.cut), later, known, period, options);
};

/** Final series being computed, per tracker, by `period@instant`. */
const computing = new WeakMap<EquityTracker, Map<string, Promise<EquityPoint[]>>>();

/** finalSeries, joined by a second request for the same series while it is computed (a slider stop asked while the service prepares it). */
const finalSeriesOnce = (store: EventStore, tracker: EquityTracker, period: PeriodUnit, known: Date): Promise<EquityPoint[]> => {
  let running = computing.get(tracker);
  if (!running) computing.set(tracker, (running = new Map()));
  const key = `${period}@${known.toISOString()}`;
  let series = running.get(key);
  if (!series) {
    series = finalSeries(store, tracker, period, known).finally(() => running.delete(key));
    running.set(key, series);
  }
  return series;
};

/**
 * The equity and ROC series for a query: the tracked series when it answers exactly this (same
 * period, no cut, default valuation), otherwise computed from the log cut at asOf / knownAt
 * (and kept, for a knownAt in the past, since that cut can no longer change).
 */
export const querySeries = async (store: EventStore, tracker: EquityTracker | undefined, query: SeriesQuery): Promise<SeriesAnswer> => {
  const period = query.period ?? tracker?.period ?? 'month';
  let points: readonly EquityPoint[];
  let source: SeriesAnswer['source'] = 'tracked';
  const defaultValuation = query.horizonMonths === undefined && query.monthlyDiscountRate === undefined && query.pinModelsAt === undefined && query.trustAdjustment === undefined && query.segment !== 'trust-band' && query.customers === undefined;
  if (tracker && period === tracker.period && !query.asOf && !query.knownAt && defaultValuation) {
    // Its first computation runs on a worker thread after start-up: wait for it rather than answer an empty series.
    await tracker.current;
    points = tracker.series();
  } else {
    const head = await store.head();
    const known = query.knownAt ?? (head.recordedAt ? new Date(head.recordedAt) : new Date());
    // As known at an instant before the head's transaction time, the series is final: every event
    // recorded from now on has a later recordedAt, so none can enter that cut. Kept once computed.
    const final = tracker !== undefined && query.knownAt !== undefined && !query.asOf && defaultValuation && head.recordedAt !== null && known.getTime() < Date.parse(head.recordedAt);
    const kept = final ? tracker.keptKnownAt(period, known) : undefined;
    source = kept ? 'kept' : 'computed';
    points = kept ?? (final ? await finalSeriesOnce(store, tracker, period, known) : await computeSeries(store, query, period, known));
    if (final && !kept) tracker.keepKnownAt(period, known, points);
  }
  const from = query.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const to = query.to?.getTime() ?? Number.POSITIVE_INFINITY;
  const shown = points.filter((p) => Date.parse(p.start) >= from && Date.parse(p.start) <= to);
  return {
    period,
    source,
    segment: query.segment ?? null,
    points: shown.map((p) => {
      const { segments, ...rest } = p as EquityPoint & { computedAt?: string };
      return query.segment ? { ...rest, segments: { [query.segment]: segments?.[query.segment] ?? {} } } : rest;
    }),
  };
};

export const EquityErrorCode = { modelsUnavailable: 'EQUITY_ERR_MODELS_UNAVAILABLE' } as const;

/** The models cannot be fitted on the history up to the instant asked to pin them at. */
export class ModelsUnavailableError extends RocLedgerError {
  constructor(at: Date, reason: string) {
    super(EquityErrorCode.modelsUnavailable, `no models to pin at ${at.toISOString()}: ${reason}`);
  }
}
