import { expectedPurchases, type BgNbdParams } from './bgnbd.ts';
import { expectedSpend, type GammaGammaParams } from './gammaGamma.ts';
import type { CustomerSummary } from './summary.ts';

export interface ClvOptions {
  /** Months ahead. */
  readonly months: number;
  /** Discount rate per month (0.01 is about 12.7 % a year). */
  readonly monthlyDiscountRate: number;
  /** Model time units per month: 4.345 when the models were fitted in weeks (as the reference implementations use). */
  readonly unitsPerMonth?: number;
  /** Share of spend kept as margin (1 when spend is already margin). */
  readonly margin?: number;
}

/**
 * Discounted expected value of a customer's future purchases over a horizon: for each month i,
 * the purchases expected in it (E[Y(i)] − E[Y(i−1)]) times the expected spend per purchase and
 * the margin, discounted by (1 + d)^i. As `lifetimes` and the BTYD packages compute it.
 */
export const customerLifetimeValue = (bgNbd: BgNbdParams, gammaGamma: GammaGammaParams, customer: CustomerSummary, options: ClvOptions): number =>
  discountedExpectedPurchases(bgNbd, customer, options) * expectedSpend(gammaGamma, customer) * (options.margin ?? 1);

/** Σ over the horizon's months of the purchases expected in each, discounted: CLV is this times spend and margin. It depends on (x, tₓ, T) alone. */
export const discountedExpectedPurchases = (bgNbd: BgNbdParams, customer: Pick<CustomerSummary, 'x' | 'tx' | 'T'>, options: ClvOptions): number => {
  const unitsPerMonth = options.unitsPerMonth ?? 4.345;
  let value = 0;
  let before = 0;
  for (let month = 1; month <= options.months; month++) {
    const upTo = expectedPurchases(bgNbd, month * unitsPerMonth, customer);
    value += (upTo - before) / (1 + options.monthlyDiscountRate) ** month;
    before = upTo;
  }
  return value;
};
