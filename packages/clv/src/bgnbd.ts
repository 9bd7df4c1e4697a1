import { atBound, LOG_BOUND, nelderMead, withinBox } from './optimize.ts';
import { hyp2f1, lnBeta, lnGamma } from './special.ts';
import type { CustomerSummary } from './summary.ts';

/** BG/NBD (Fader, Hardie & Lee 2005): purchases Poisson(λ) while alive, λ ~ Gamma(r, α); after each purchase the customer drops out with probability p ~ Beta(a, b). */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

type History = Pick<CustomerSummary, 'x' | 'tx' | 'T'>;

/** ln L(r, α, a, b | x, tₓ, T), equation (6) of the paper, in logs for stability. */
export const bgNbdLogLikelihood = ({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: History): number => {
  const common = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha) + lnBeta(a, b + x) - lnBeta(a, b);
  const stillAlive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return common + stillAlive;
  const droppedOut = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  const high = Math.max(stillAlive, droppedOut);
  return common + high + Math.log(Math.exp(stillAlive - high) + Math.exp(droppedOut - high));
};

/** Σ ln L over customers, histories that repeat counted once with their weight. */
export const bgNbdTotalLogLikelihood = (params: BgNbdParams, customers: readonly History[]): number => totalOver(columnsOf(grouped(customers)), params);

/** Distinct histories in columns, each with how many customers have it: what a fit evaluates hundreds of times. */
interface HistoryColumns {
  readonly x: Int32Array;
  readonly tx: Float64Array;
  readonly T: Float64Array;
  readonly count: Float64Array;
  readonly maxX: number;
}

const columnsOf = (groups: Map<History, number>): HistoryColumns => {
  const n = groups.size;
  const columns = { x: new Int32Array(n), tx: new Float64Array(n), T: new Float64Array(n), count: new Float64Array(n), maxX: 0 };
  let i = 0;
  for (const [{ x, tx, T }, count] of groups) {
    columns.x[i] = x;
    columns.tx[i] = tx;
    columns.T[i] = T;
    columns.count[i] = count;
    columns.maxX = Math.max(columns.maxX, x);
    i++;
  }
  return columns;
};

/**
 * Σ ln L over grouped histories. The Gamma and Beta terms depend on x alone, so they are computed
 * once per distinct x (a few dozen) rather than once per customer; the same sum as adding
 * bgNbdLogLikelihood over the customers. The histories are in columns and the terms in arrays
 * indexed by x: a fit evaluates this hundreds of times, and it was the larger part of an equity
 * series' time.
 */
const totalOver = (groups: HistoryColumns, { r, alpha, a, b }: BgNbdParams): number => {
  const common = new Float64Array(groups.maxX + 1).fill(Number.NaN);
  const dropout = new Float64Array(groups.maxX + 1);
  const lnBetaAB = lnBeta(a, b);
  const lnGammaR = lnGamma(r);
  const rLnAlpha = r * Math.log(alpha);
  const lnA = Math.log(a);
  let total = 0;
  for (let i = 0; i < groups.x.length; i++) {
    const x = groups.x[i]!;
    let c = common[x]!;
    if (Number.isNaN(c)) {
      common[x] = c = lnGamma(r + x) - lnGammaR + rLnAlpha + lnBeta(a, b + x) - lnBetaAB;
      dropout[x] = x > 0 ? lnA - Math.log(b + x - 1) : 0;
    }
    const stillAlive = -(r + x) * Math.log(alpha + groups.T[i]!);
    let ll: number;
    if (x === 0) ll = c + stillAlive;
    else {
      const droppedOut = dropout[x]! - (r + x) * Math.log(alpha + groups.tx[i]!);
      const high = Math.max(stillAlive, droppedOut);
      ll = c + high + Math.log(Math.exp(stillAlive - high) + Math.exp(droppedOut - high));
    }
    total += groups.count[i]! * ll;
  }
  return total;
};

export interface Fit<P> {
  readonly params: P;
  /** A parameter on the edge of the fitted range (1e-6 to 1e6): the data do not identify it; the fit is the best within the range. */
  readonly atBound: boolean;
  readonly logLikelihood: number;
  readonly customers: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Maximum likelihood over log-parameters (so every parameter stays positive), by Nelder–Mead from (1, 1, 1, 1). */
export const fitBgNbd = (customers: readonly History[]): Fit<BgNbdParams> => {
  const groups = columnsOf(grouped(customers));
  const negative = (logs: readonly number[]) => -totalOver(groups, fromLogs(logs));
  const minimum = nelderMead(withinBox(negative), [0, 0, 0, 0]);
  const logs = minimum.x.map((v) => Math.max(-LOG_BOUND, Math.min(LOG_BOUND, v)));
  return { params: fromLogs(logs), atBound: atBound(logs), logLikelihood: -negative(logs), customers: customers.length, iterations: minimum.iterations, converged: minimum.converged };
};

const fromLogs = (logs: readonly number[]): BgNbdParams => ({ r: Math.exp(logs[0]!), alpha: Math.exp(logs[1]!), a: Math.exp(logs[2]!), b: Math.exp(logs[3]!) });

/** P(alive | x, tₓ, T), equation (13). A customer with no repeat purchase is alive with probability 1 in this model. */
export const probabilityAlive = ({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: History): number => {
  if (x === 0) return 1;
  return 1 / (1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))));
};

/** E[Y(t) | x, tₓ, T]: expected purchases in the next t time units, equation (10). */
export const expectedPurchases = ({ r, alpha, a, b }: BgNbdParams, t: number, { x, tx, T }: History): number => {
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const numerator = ((a + b + x - 1) / (a - 1)) * (1 - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, z));
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx))) : 0);
  return numerator / denominator;
};

/** E[X(t)] for a customer just acquired: expected purchases in their first t time units, equation (9). */
export const expectedPurchasesOfNewCustomer = ({ r, alpha, a, b }: BgNbdParams, t: number): number =>
  ((a + b - 1) / (a - 1)) * (1 - Math.exp(r * Math.log(alpha / (alpha + t))) * hyp2f1(r, b, a + b - 1, t / (alpha + t)));

const grouped = (customers: readonly History[]): Map<History, number> => {
  const byKey = new Map<string, [History, number]>();
  for (const c of customers) {
    const key = `${c.x}|${c.tx}|${c.T}`;
    const found = byKey.get(key);
    if (found) found[1]++;
    else byKey.set(key, [{ x: c.x, tx: c.tx, T: c.T }, 1]);
  }
  return new Map([...byKey.values()]);
};
