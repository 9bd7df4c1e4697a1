import { fitBgNbd, type BgNbdParams } from './bgnbd.ts';
import { discountedExpectedPurchases } from './clv.ts';
import { expectedSpend, fitGammaGamma, spendCustomers, type GammaGammaParams } from './gammaGamma.ts';
import { periodsBetween, type Period, type PeriodUnit } from './periods.ts';
import { returnOnCustomer } from './roc.ts';
import { summarize, type CustomerSummary, type Purchase } from './summary.ts';

/** Money that moved between the firm and a customer, in major units: + purchases (or their margin), − refunds, − cost to serve. */
export interface CashMovement {
  readonly customerId: string;
  readonly at: number;
  readonly amount: number;
  /** The event it comes from, where known (no computation reads it). */
  readonly eventId?: string;
}

export interface Models {
  readonly bgNbd: BgNbdParams;
  readonly gammaGamma: GammaGammaParams;
}

export interface EquityOptions {
  readonly period: PeriodUnit;
  /** Months of future purchases a customer's value counts. Default 36. */
  readonly horizonMonths?: number;
  /** Default 0.01 a month. */
  readonly monthlyDiscountRate?: number;
  /** 'refit': the models fitted on the history up to each period's end (default); or pinned parameters, used for every period. */
  readonly models?: 'refit' | Models;
  /** Also split each point by these segmentations ('trust-band' needs `trust`). */
  readonly segments?: readonly SegmentBy[];
  /** Customers' trust scores (0–100) at an instant: for the trust-band segments and the retention adjustment. */
  readonly trust?: TrustInput;
  /** Also give these customers' own CE at each period end (their discounted expected future value). */
  readonly customers?: readonly string[];
}

export interface TrustInput {
  readonly scoreAt: (customerId: string, at: number) => number | undefined;
  /**
   * Retention adjusted by trust, off unless set: each customer's expected purchases are multiplied
   * by max(0, 1 + strength × (score − 50) / 50), so with 0.2 a score of 100 expects 20 % more and a
   * score of 0 20 % fewer. A documented heuristic, not a fitted model.
   */
  readonly retentionStrength?: number;
}

/**
 * acquisition-channel: the channel of the customer's first purchase. main-channel: the channel of
 * most of their purchases by the period's end (ties to the earliest). Both from the purchases
 * alone, so a customer's segment is a function of the log.
 */
export type SegmentBy = 'acquisition-channel' | 'main-channel' | 'trust-band';
/** The segmentations computed from purchases alone. */
export const SEGMENTS: readonly SegmentBy[] = ['acquisition-channel', 'main-channel'];

/** Trust bands: below 40 low, 40 to 60 neutral, above 60 high. */
export const trustBand = (score: number | undefined): string => (score === undefined ? 'unscored' : score < 40 ? 'low' : score <= 60 ? 'neutral' : 'high');

export interface SegmentPoint {
  readonly customers: number;
  readonly equityStart: number | null;
  readonly equityEnd: number | null;
  readonly cashFlow: number;
  readonly roc: number | null;
}

export interface EquityPoint {
  readonly period: string;
  readonly start: string;
  readonly end: string;
  /** Customers with a purchase by the period's end. */
  readonly customers: number;
  /** When CE(end) was valued: the period's last instant, or the end of what is known for the open period. */
  readonly valuedAt: string;
  /** Customer equity at the end of the previous period; null when it could not be valued. */
  readonly equityStart: number | null;
  readonly equityEnd: number | null;
  readonly cashFlow: number;
  /** (cash flow + CE(end) − CE(start)) / CE(start); null when either CE is null or CE(start) is 0. */
  readonly roc: number | null;
  /** The models that valued CE(end), or why there were none. */
  readonly models: Models | { readonly unavailable: string };
  /** Asked-for customers' own CE at the period end: 0 before their first purchase, null when the models are unavailable. */
  readonly customerEquity?: Readonly<Record<string, number | null>>;
  /** By segmentation, then segment, when asked for; a segment's CE(start) is its CE(end) in the previous point. */
  readonly segments?: Readonly<Partial<Record<SegmentBy, Readonly<Record<string, SegmentPoint>>>>>;
}

const MIN_REPEAT_BUYERS = 10;

/**
 * The models for a history: refitted on it, or pinned. Unavailable (with the reason) until enough
 * customers have bought again. `customers`: the history's summaries at `end`, when already made.
 */
export const modelsFor = (purchases: readonly Purchase[], end: number, options: EquityOptions, summaries?: readonly CustomerSummary[]): Models | { unavailable: string } => {
  if (options.models && options.models !== 'refit') return options.models;
  const customers = summaries ?? summarize(purchases, end);
  if (customers.length === 0) return { unavailable: 'no customer has bought yet' };
  const buyers = spendCustomers(customers).length;
  if (buyers < MIN_REPEAT_BUYERS) return { unavailable: `${buyers} repeat buyer(s) by then; the models need ${MIN_REPEAT_BUYERS}` };
  const bgNbd = fitBgNbd(customers);
  const gammaGamma = fitGammaGamma(customers);
  if (!bgNbd.converged || !gammaGamma.converged) return { unavailable: 'the maximum-likelihood fit did not converge' };
  if (gammaGamma.params.q <= 1) return { unavailable: `Gamma-Gamma q = ${gammaGamma.params.q.toFixed(3)} ≤ 1: mean spend undefined` };
  return { bgNbd: bgNbd.params, gammaGamma: gammaGamma.params };
};

/** Customer equity at an instant: Σ over customers with a purchase by then of their discounted expected future value. */
export const equityAt = (
  purchases: readonly Purchase[],
  at: number,
  options: EquityOptions,
): { equity: number | null; customers: number; models: Models | { unavailable: string }; values: Map<string, number> } => {
  const customers = summarize(purchases, at);
  const models = modelsFor(purchases, at, options, customers);
  const values = new Map<string, number>();
  // No customer yet: nothing to value, whatever the models.
  if (customers.length === 0) return { equity: 0, customers: 0, models, values };
  if ('unavailable' in models) return { equity: null, customers: customers.length, models, values };
  const clv = { months: options.horizonMonths ?? 36, monthlyDiscountRate: options.monthlyDiscountRate ?? 0.01 };
  let equity = 0;
  // Customers with the same (x, tₓ, T) expect the same purchases: computed once for each such history.
  const purchasesFor = new Map<string, number>();
  for (const customer of customers) {
    const key = `${customer.x}|${customer.tx}|${customer.T}`;
    let expected = purchasesFor.get(key);
    if (expected === undefined) purchasesFor.set(key, (expected = discountedExpectedPurchases(models.bgNbd, customer, clv)));
    const strength = options.trust?.retentionStrength;
    const score = strength ? options.trust!.scoreAt(customer.id, at) : undefined;
    const adjustment = strength && score !== undefined ? Math.max(0, 1 + (strength * (score - 50)) / 50) : 1;
    const value = expected * adjustment * expectedSpend(models.gammaGamma, customer);
    values.set(customer.id, value);
    equity += value;
  }
  return { equity, customers: customers.length, models, values };
};

/** Each customer's trust band at an instant (customers with a purchase by then). */
const trustBandsAt = (purchases: readonly Purchase[], at: number, trust: TrustInput | undefined): Map<string, string> => {
  const bands = new Map<string, string>();
  for (const p of purchases) if (p.at <= at && !bands.has(p.customerId)) bands.set(p.customerId, trustBand(trust?.scoreAt(p.customerId, at)));
  return bands;
};

/** Each customer's segment by an instant, from their purchases made by then. */
export const segmentsAt = (purchases: readonly Purchase[], at: number, by: Exclude<SegmentBy, 'trust-band'>): Map<string, string> => {
  const counts = new Map<string, Map<string, { n: number; first: number }>>();
  for (const p of purchases) {
    if (p.at > at) continue;
    let byChannel = counts.get(p.customerId);
    if (!byChannel) counts.set(p.customerId, (byChannel = new Map()));
    const channel = p.channel ?? 'unknown';
    const seen = byChannel.get(channel);
    if (seen) {
      seen.n++;
      seen.first = Math.min(seen.first, p.at);
    } else byChannel.set(channel, { n: 1, first: p.at });
  }
  const segments = new Map<string, string>();
  for (const [customerId, byChannel] of counts) {
    const ranked = [...byChannel].sort(([, a], [, b]) => (by === 'main-channel' ? b.n - a.n || a.first - b.first : a.first - b.first));
    segments.set(customerId, ranked[0]![0]);
  }
  return segments;
};

/** The smallest of many numbers (a spread into Math.min overflows the stack past some hundred thousand). */
export const earliestOf = (values: Iterable<number>): number => {
  let min = Number.POSITIVE_INFINITY;
  for (const v of values) if (v < min) min = v;
  return min;
};

/** The series over the periods from the first purchase to `to`: CE at each period end, cash flow in each, ROC. */
export const equitySeries = (purchases: readonly Purchase[], cash: readonly CashMovement[], to: number, options: EquityOptions): EquityPoint[] => {
  if (purchases.length === 0) return [];
  const first = earliestOf(purchases.map((p) => p.at));
  const periods = periodsBetween(first, to, options.period);
  const before = periods[0]!.start - 1;
  return equityPoints(purchases, cash, periods, pointFor(purchases, cash, { label: '', start: before, end: before + 1 }, undefined, options), options, to);
};

/** The points of consecutive periods, each from the one before it; `previous` is the point before the first. */
export const equityPoints = (purchases: readonly Purchase[], cash: readonly CashMovement[], periods: readonly Period[], previous: EquityPoint, options: EquityOptions, until: number): EquityPoint[] => {
  let before = previous;
  return periods.map((period) => (before = pointFor(purchases, cash, period, before, options, until)));
};

/**
 * One period's point, from the previous point (undefined before any: CE(start) 0). CE(end) is
 * valued at the period's last instant, or at `until` when the period is still open then (the
 * current period is valued as of now, not as of a future in which nobody has bought yet).
 */
export const pointFor = (purchases: readonly Purchase[], cash: readonly CashMovement[], period: Period, previous: EquityPoint | undefined, options: EquityOptions, until = Number.POSITIVE_INFINITY): EquityPoint => {
  const valuedAt = Math.min(period.end - 1, until);
  const { equity, customers, models, values } = equityAt(purchases, valuedAt, options);
  const inPeriod = (c: CashMovement) => c.at >= period.start && c.at < period.end;
  const cashFlow = cash.reduce((sum, c) => (inPeriod(c) ? sum + c.amount : sum), 0);
  const equityStart = previous ? previous.equityEnd : 0;
  let segments: Partial<Record<SegmentBy, Record<string, SegmentPoint>>> | undefined;
  for (const by of options.segments ?? []) {
    const segmentOf = by === 'trust-band' ? trustBandsAt(purchases, valuedAt, options.trust) : segmentsAt(purchases, valuedAt, by);
    const totals = new Map<string, { customers: number; equityEnd: number; cashFlow: number }>();
    const total = (segment: string) => {
      let t = totals.get(segment);
      if (!t) totals.set(segment, (t = { customers: 0, equityEnd: 0, cashFlow: 0 }));
      return t;
    };
    for (const [customerId, segment] of segmentOf) {
      const t = total(segment);
      t.customers++;
      t.equityEnd += values.get(customerId) ?? 0;
    }
    for (const c of cash) if (inPeriod(c)) total(segmentOf.get(c.customerId) ?? 'no purchase').cashFlow += c.amount;
    const split: Record<string, SegmentPoint> = {};
    for (const [segment, t] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const before = previous?.segments?.[by];
      const start = previous ? (previous.equityEnd === null ? null : (before?.[segment]?.equityEnd ?? 0)) : 0;
      const end = equity === null ? null : t.equityEnd;
      split[segment] = { customers: t.customers, equityStart: start, equityEnd: end, cashFlow: t.cashFlow, roc: start === null || end === null ? null : returnOnCustomer({ cashFlow: t.cashFlow, equityStart: start, equityEnd: end }) };
    }
    (segments ??= {})[by] = split;
  }
  return {
    period: period.label,
    start: new Date(period.start).toISOString(),
    end: new Date(period.end).toISOString(),
    customers,
    valuedAt: new Date(valuedAt).toISOString(),
    equityStart,
    equityEnd: equity,
    cashFlow,
    roc: equityStart === null || equity === null ? null : returnOnCustomer({ cashFlow, equityStart, equityEnd: equity }),
    models,
    ...(options.customers ? { customerEquity: Object.fromEntries(options.customers.map((id) => [id, equity === null ? null : (values.get(id) ?? 0)])) } : {}),
    ...(segments ? { segments } : {}),
  };
};
