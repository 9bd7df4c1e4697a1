/** What a minimisation ended with. */
export interface Minimum {
  readonly x: readonly number[];
  readonly value: number;
  readonly iterations: number;
  readonly converged: boolean;
}

export interface NelderMeadOptions {
  /** Stop when the simplex's values and points both lie within these tolerances. */
  readonly valueTolerance?: number;
  readonly pointTolerance?: number;
  readonly maxIterations?: number;
  /** Size of the first simplex's steps along each axis. */
  readonly step?: number;
}

/**
 * Nelder–Mead simplex minimisation (Nelder & Mead 1965, with the standard coefficients 1, 2,
 * 0.5, 0.5). Derivative-free, so it suits likelihoods whose gradients are tedious, and robust
 * when started from a rough guess. Non-finite values count as +∞, so a parameter region where
 * the likelihood is undefined is simply avoided.
 */
export const nelderMead = (f: (x: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): Minimum => {
  const n = start.length;
  const valueTolerance = options.valueTolerance ?? 1e-10;
  const pointTolerance = options.pointTolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 20_000;
  const step = options.step ?? 0.5;
  const value = (x: readonly number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex = [start.slice(), ...start.map((_, i) => start.map((xj, j) => (i === j ? xj + step : xj)))];
  let values = simplex.map(value);
  const along = (from: number[], to: number[], t: number) => from.map((xi, i) => xi + t * (to[i]! - xi));

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    simplex = order.map((i) => simplex[i]!);
    values = order.map((i) => values[i]!);
    const best = simplex[0]!;
    const spread = Math.abs(values[n]! - values[0]!);
    const size = Math.max(...simplex.slice(1).map((p) => Math.max(...p.map((xi, i) => Math.abs(xi - best[i]!)))));
    if (spread <= valueTolerance * (Math.abs(values[0]!) + 1e-30) && size <= pointTolerance) {
      return { x: best, value: values[0]!, iterations: iteration, converged: true };
    }
    const centroid = best.map((_, i) => simplex.slice(0, n).reduce((sum, p) => sum + p[i]!, 0) / n);
    const worst = simplex[n]!;
    const reflected = along(centroid, worst, -1);
    const fr = value(reflected);
    if (fr < values[0]!) {
      const expanded = along(centroid, worst, -2);
      const fe = value(expanded);
      [simplex[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
    } else if (fr < values[n - 1]!) {
      [simplex[n], values[n]] = [reflected, fr];
    } else {
      const outside = fr < values[n]!;
      const contracted = along(centroid, outside ? reflected : worst, 0.5);
      const fc = value(contracted);
      if (fc < (outside ? fr : values[n]!)) {
        [simplex[n], values[n]] = [contracted, fc];
      } else {
        // Shrink every point towards the best.
        simplex = simplex.map((p, i) => (i === 0 ? p : along(best, p, 0.5)));
        values = simplex.map((p, i) => (i === 0 ? values[0]! : value(p)));
      }
    }
  }
  const i = values.indexOf(Math.min(...values));
  return { x: simplex[i]!, value: values[i]!, iterations: maxIterations, converged: false };
};

/** Parameters are fitted as logarithms within ±LOG_BOUND: between 1e-6 and 1e6. */
export const LOG_BOUND = Math.log(1e6);

/**
 * A likelihood can peak at infinity (BG/NBD with no heterogeneity in dropout: a, b → ∞ with a/(a+b)
 * fixed). Outside the box a steep penalty turns that into an optimum on its edge, which the
 * simplex can reach, instead of a ridge it would follow without end.
 */
export const withinBox = (f: (logs: readonly number[]) => number) => (logs: readonly number[]): number => {
  let outside = 0;
  for (const v of logs) outside += Math.max(0, Math.abs(v) - LOG_BOUND) ** 2;
  return f(logs.map((v) => Math.max(-LOG_BOUND, Math.min(LOG_BOUND, v)))) + 1e6 * outside;
};

/** True when a fitted parameter sits on the box's edge: the data do not pin it down. */
export const atBound = (logs: readonly number[]): boolean => logs.some((v) => Math.abs(v) >= LOG_BOUND - 1e-3);
