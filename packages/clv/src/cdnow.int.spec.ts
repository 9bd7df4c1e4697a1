import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bgNbdTotalLogLikelihood, customerLifetimeValue, expectedPurchases, expectedSpend, fitBgNbd, fitGammaGamma, hyp2f1, probabilityAlive, summarize, type CustomerSummary } from './index.ts';

// The CDNOW sample of Fader, Hardie & Lee (2005), as shared/datasets/cdnow/README.md describes it.
const dataset = join(import.meta.dirname, '..', 'data', 'cdnow');
const csvRows = (file: string) =>
  readFileSync(join(dataset, file), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(','));
const published: CustomerSummary[] = csvRows('cdnow_customers_summary_with_transactions.csv').map(([id, x, tx, T, zbar]) => ({ id: id!, x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) }));
const utc = (yyyymmdd: string) => Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8)));
const purchases = readFileSync(join(dataset, 'CDNOW_sample.txt'), 'utf8')
  .trim()
  .split(/\r?\n/)
  .map((line) => line.trim().split(/\s+/))
  .map(([, id, date, , value]) => ({ customerId: String(Number(id)), at: utc(date!), value: Number(value) }));
/** The calibration period (to 1997-09-30), summarised by our own code from the transactions: spend exact, not rounded. */
const fromTransactions = summarize(purchases, utc('19970930'));

describe('the CDNOW sample', () => {
  it('summarised from its transactions, gives the published summary (x, tₓ, T, z̄) for all 2,357 customers', () => {
    expect(fromTransactions).toHaveLength(2357);
    const byId = new Map(fromTransactions.map((c) => [c.id, c]));
    for (const expected of published) {
      const actual = byId.get(expected.id)!;
      expect([actual.x, actual.tx, actual.T]).toEqual([expected.x, expected.tx, expected.T]);
      // The published z̄ is rounded to the cent.
      expect(Math.abs(actual.zbar - expected.zbar)).toBeLessThanOrEqual(0.005 + 1e-9);
    }
  });

  it('fits BG/NBD to the published parameters and log-likelihood (Fader, Hardie & Lee 2005)', () => {
    const fit = fitBgNbd(published);
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(0.243, 3);
    expect(fit.params.alpha).toBeCloseTo(4.414, 3);
    expect(fit.params.a).toBeCloseTo(0.793, 3);
    expect(fit.params.b).toBeCloseTo(2.426, 3);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    // The published values themselves are (within their rounding) where the likelihood peaks.
    expect(bgNbdTotalLogLikelihood({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, published)).toBeCloseTo(-9582.4, 0);
  });

  it('expects customer 1 (x = 2, tₓ = 30.43, T = 38.86) to make 1.226 purchases in the next 39 weeks', () => {
    const params = fitBgNbd(published).params;
    const customer1 = published.find((c) => c.id === '1')!;
    expect([customer1.x, customer1.tx, customer1.T]).toEqual([2, 30.43, 38.86]);
    expect(expectedPurchases(params, 39, customer1)).toBeCloseTo(1.226, 3);
    expect(probabilityAlive(params, customer1)).toBeGreaterThan(0);
    expect(probabilityAlive(params, customer1)).toBeLessThan(1);
  });

  it('fits Gamma-Gamma on the 946 repeat buyers to the published p, q, γ (Fader & Hardie 2013)', () => {
    // On the exact spend. On the summary file's z̄, rounded to the cent, the maximum moves to γ = 15.448.
    const fit = fitGammaGamma(fromTransactions);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(fit.params.q).toBeCloseTo(3.74, 2);
    expect(fit.params.gamma).toBeCloseTo(15.44, 2);
  });

  it('gives defined values for a customer with no repeat purchase', () => {
    const bg = fitBgNbd(published).params;
    const gg = fitGammaGamma(published).params;
    const once: CustomerSummary = { id: 'once', x: 0, tx: 0, T: 30, zbar: 0 };
    expect(probabilityAlive(bg, once)).toBe(1);
    expect(expectedPurchases(bg, 39, once)).toBeGreaterThan(0);
    expect(expectedSpend(gg, once)).toBeCloseTo((gg.p * gg.gamma) / (gg.q - 1), 10);
    const clv = customerLifetimeValue(bg, gg, once, { months: 12, monthlyDiscountRate: 0.01 });
    expect(Number.isFinite(clv) && clv > 0).toBe(true);
  });
});

describe('₂F₁', () => {
  it('matches closed forms', () => {
    // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z; ₂F₁(a, b; b; z) = (1 − z)^(−a).
    for (const z of [0.1, 0.5, 0.9, 0.99]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log(1 - z) / z, 12);
      expect(hyp2f1(2.5, 3, 3, z) / (1 - z) ** -2.5).toBeCloseTo(1, 12);
    }
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
  });
});
