import type { Fit } from './bgnbd.ts';
import { atBound, LOG_BOUND, nelderMead, withinBox } from './optimize.ts';
import { lnGamma } from './special.ts';
import type { CustomerSummary } from './summary.ts';

/**
 * Gamma-Gamma (Fader & Hardie 2013, after Colombo & Jiang 1999): each purchase's value is
 * Gamma(p, ν), and ν ~ Gamma(q, γ) across customers. Assumes spend independent of frequency.
 */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

type Spend = Pick<CustomerSummary, 'x' | 'zbar'>;

/** ln L(p, q, γ | x, z̄) of one repeat buyer (x > 0, z̄ > 0). */
export const gammaGammaLogLikelihood = ({ p, q, gamma }: GammaGammaParams, { x, zbar }: Spend): number =>
  lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q) + q * Math.log(gamma) + (p * x - 1) * Math.log(zbar) + p * x * Math.log(x) - (p * x + q) * Math.log(gamma + x * zbar);

/** The customers the model is fitted on: those with at least one repeat purchase of positive value. */
export const spendCustomers = <C extends Spend>(customers: readonly C[]): C[] => customers.filter((c) => c.x > 0 && c.zbar > 0);

/** Maximum likelihood over log-parameters, by Nelder–Mead from (1, 1, 1), on the repeat buyers. */
export const fitGammaGamma = (customers: readonly Spend[]): Fit<GammaGammaParams> => {
  const buyers = spendCustomers(customers);
  // What does not depend on the parameters, once, in columns: the fit evaluates the sum hundreds of times.
  const xs = Int32Array.from(buyers, (c) => c.x);
  const lnZbar = Float64Array.from(buyers, (c) => Math.log(c.zbar));
  const xZbar = Float64Array.from(buyers, (c) => c.x * c.zbar);
  const maxX = xs.reduce((m, x) => Math.max(m, x), 0);
  // The Gamma terms depend on x alone: computed once per distinct x per evaluation.
  const negative = (logs: readonly number[]) => {
    const [p, q, gamma] = [Math.exp(logs[0]!), Math.exp(logs[1]!), Math.exp(logs[2]!)];
    const byX = new Float64Array(maxX + 1).fill(Number.NaN);
    const constant = -lnGamma(q) + q * Math.log(gamma);
    let total = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      let k = byX[x]!;
      if (Number.isNaN(k)) byX[x] = k = lnGamma(p * x + q) - lnGamma(p * x) + p * x * Math.log(x) + constant;
      total += k + (p * x - 1) * lnZbar[i]! - (p * x + q) * Math.log(gamma + xZbar[i]!);
    }
    return -total;
  };
  const minimum = nelderMead(withinBox(negative), [0, 0, 0]);
  const logs = minimum.x.map((v) => Math.max(-LOG_BOUND, Math.min(LOG_BOUND, v)));
  return {
    params: { p: Math.exp(logs[0]!), q: Math.exp(logs[1]!), gamma: Math.exp(logs[2]!) },
    atBound: atBound(logs),
    logLikelihood: -negative(logs),
    customers: buyers.length,
    iterations: minimum.iterations,
    converged: minimum.converged,
  };
};

/**
 * E[Z | p, q, γ, x, z̄]: a customer's expected spend per purchase, a weighted mean of the
 * population mean pγ/(q−1) and the customer's own z̄. With no repeat purchase, the population mean.
 */
export const expectedSpend = ({ p, q, gamma }: GammaGammaParams, { x, zbar }: Spend): number =>
  x > 0 ? (p * (gamma + x * zbar)) / (p * x + q - 1) : (p * gamma) / (q - 1);
