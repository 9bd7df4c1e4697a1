import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';

/** ln Γ(x) and ln B(a, b), from stdlib (accurate to a few ulp over the whole positive axis). */
export const lnGamma: (x: number) => number = gammaln;
export const lnBeta: (a: number, b: number) => number = betaln;

export class SeriesDidNotConvergeError extends Error {}

/**
 * The Gauss hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its power series, each
 * term from the last (tₖ₊₁ = tₖ (a+k)(b+k) / ((c+k)(k+1)) z), summed with Kahan compensation
 * until a term no longer changes the sum. For 0 ≤ z < 1 the series converges geometrically (as
 * zᵏ), also when c − a − b < 0, where the function grows without bound only as z → 1. Throws
 * rather than return a value it could not settle.
 */
export const hyp2f1 = (a: number, b: number, c: number, z: number, maxTerms = 1_000_000): number => {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z = ${z} is outside [0, 1)`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c = ${c} is a non-positive integer`);
  let sum = 1;
  let compensation = 0;
  let term = 1;
  for (let k = 0; k < maxTerms; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    const y = term - compensation;
    const t = sum + y;
    compensation = t - sum - y;
    if (t === sum && Math.abs(term) <= Number.EPSILON * Math.abs(sum)) return sum;
    sum = t;
  }
  throw new SeriesDidNotConvergeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`);
};
