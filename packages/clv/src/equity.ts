import { fitBgNbd, type BgNbdParams } from './bgnbd.ts';
import { customerLifetimeValue } from './clv.ts';
import { fitGammaGamma, spendCustomers, type GammaGammaParams } from './gammaGamma.ts';
import { periodsBetween, type Period, type PeriodUnit } from './periods.ts';
import { returnOnCustomer } from './roc.ts';
import { summarize, type Purchase } from './summary.ts';

/** Money that moved between the firm and a customer, in major units: + purchases (or their margin), − refunds, − cost to serve. */
export interface CashMovement {
  readonly customerId: string;
  readonly at: number;
  readonly amount: number;
  readonly eventId: string;
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
}

export interface EquityPoint {
  readonly period: string;
  readonly start: string;
  readonly end: string;
  /** Customers with a purchase by the period's end. */
  readonly customers: number;
  /** Customer equity at the end of the previous period; null when it could not be valued. */
  readonly equityStart: number | null;
  readonly equityEnd: number | null;
  readonly cashFlow: number;
  /** (cash flow + CE(end) − CE(start)) / CE(start); null when either CE is null or CE(start) is 0. */
  readonly roc: number | null;
  /** The models that valued CE(end), or why there were none. */
  readonly models: Models | { readonly unavailable: string };
}

const MIN_REPEAT_BUYERS = 10;

/** The models for a history: refitted on it, or pinned. Unavailable (with the reason) until enough customers have bought again. */
export const modelsFor = (purchases: readonly Purchase[], end: number, options: EquityOptions): Models | { unavailable: string } => {
  if (options.models && options.models !== 'refit') return options.models;
  const customers = summarize(purchases, end);
  const buyers = spendCustomers(customers).length;
  if (buyers < MIN_REPEAT_BUYERS) return { unavailable: `${buyers} repeat buyer(s) by then; the models need ${MIN_REPEAT_BUYERS}` };
  const bgNbd = fitBgNbd(customers);
  const gammaGamma = fitGammaGamma(customers);
  if (!bgNbd.converged || !gammaGamma.converged) return { unavailable: 'the maximum-likelihood fit did not converge' };
  if (gammaGamma.params.q <= 1) return { unavailable: `Gamma-Gamma q = ${gammaGamma.params.q.toFixed(3)} ≤ 1: mean spend undefined` };
  return { bgNbd: bgNbd.params, gammaGamma: gammaGamma.params };
};

/** Customer equity at an instant: Σ over customers with a purchase by then of their discounted expected future value. */
export const equityAt = (purchases: readonly Purchase[], at: number, options: EquityOptions): { equity: number | null; customers: number; models: Models | { unavailable: string } } => {
  const customers = summarize(purchases, at);
  const models = modelsFor(purchases, at, options);
  if ('unavailable' in models) return { equity: null, customers: customers.length, models };
  const clv = { months: options.horizonMonths ?? 36, monthlyDiscountRate: options.monthlyDiscountRate ?? 0.01 };
  let equity = 0;
  for (const customer of customers) equity += customerLifetimeValue(models.bgNbd, models.gammaGamma, customer, clv);
  return { equity, customers: customers.length, models };
};

/** The series over the periods from the first purchase to `to`: CE at each period end, cash flow in each, ROC. */
export const equitySeries = (purchases: readonly Purchase[], cash: readonly CashMovement[], to: number, options: EquityOptions): EquityPoint[] => {
  if (purchases.length === 0) return [];
  const first = Math.min(...purchases.map((p) => p.at));
  const periods = periodsBetween(first, to, options.period);
  let previous = equityAt(purchases, periods[0]!.start - 1, options).equity;
  return periods.map((period) => {
    const point = pointFor(purchases, cash, period, previous, options);
    previous = point.equityEnd;
    return point;
  });
};

export const pointFor = (purchases: readonly Purchase[], cash: readonly CashMovement[], period: Period, equityStart: number | null, options: EquityOptions): EquityPoint => {
  const { equity, customers, models } = equityAt(purchases, period.end - 1, options);
  const cashFlow = cash.reduce((sum, c) => (c.at >= period.start && c.at < period.end ? sum + c.amount : sum), 0);
  return {
    period: period.label,
    start: new Date(period.start).toISOString(),
    end: new Date(period.end).toISOString(),
    customers,
    equityStart,
    equityEnd: equity,
    cashFlow,
    roc: equityStart === null || equity === null ? null : returnOnCustomer({ cashFlow, equityStart, equityEnd: equity }),
    models,
  };
};
