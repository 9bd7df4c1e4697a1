import { expectedPurchasesOfNewCustomer, expectedSpend, fitBgNbd, fitGammaGamma, probabilityAlive, purchasesFromLedger, spendCustomers, summarize } from '@roc-ledger/clv';
import { parseInstant } from '../dates.ts';
import { ExitCode } from '../exitCodes.ts';
import { openLedger } from '../openLedger.ts';

export interface ClvFitOptions {
  dataDir?: string;
  asOf?: string;
  knownAt?: string;
  json?: boolean;
}

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);
const round = (v: number, digits: number) => Number(v.toFixed(digits));

/**
 * `clv fit`: BG/NBD and Gamma-Gamma fitted on the ledger's own purchases up to --as-of (default
 * now), in weeks, with the in-sample checks: repeat purchases observed against expected, mean
 * spend observed against expected.
 */
export const clvFitCommand = async (options: ClvFitOptions): Promise<number> => {
  const asOf = options.asOf ? parseInstant(options.asOf, '--as-of') : new Date();
  const knownAt = options.knownAt ? parseInstant(options.knownAt, '--known-at') : undefined;
  const ledger = openLedger(options.dataDir);
  try {
    const started = performance.now();
    const purchases = await purchasesFromLedger(ledger.store, { asOf, ...(knownAt ? { knownAt } : {}) });
    const customers = summarize(purchases, asOf.getTime());
    const bgNbd = fitBgNbd(customers);
    const gammaGamma = fitGammaGamma(customers);
    const buyers = spendCustomers(customers);
    const result = {
      asOf: asOf.toISOString(),
      knownAt: knownAt?.toISOString() ?? null,
      timeUnit: 'week',
      /** The reporting currency, in whose major units spend is given. */
      currency: ledger.contract.reportingCurrency,
      customers: customers.length,
      purchases: purchases.length,
      bgNbd: {
        r: round(bgNbd.params.r, 4),
        alpha: round(bgNbd.params.alpha, 4),
        a: round(bgNbd.params.a, 4),
        b: round(bgNbd.params.b, 4),
        logLikelihood: round(bgNbd.logLikelihood, 2),
        iterations: bgNbd.iterations,
        converged: bgNbd.converged,
        atBound: bgNbd.atBound,
        repeatPurchasesObserved: sum(customers.map((c) => c.x)),
        repeatPurchasesExpected: round(sum(customers.map((c) => expectedPurchasesOfNewCustomer(bgNbd.params, c.T))), 1),
        meanProbabilityAlive: round(sum(customers.map((c) => probabilityAlive(bgNbd.params, c))) / Math.max(1, customers.length), 4),
      },
      gammaGamma: {
        p: round(gammaGamma.params.p, 4),
        q: round(gammaGamma.params.q, 4),
        gamma: round(gammaGamma.params.gamma, 4),
        logLikelihood: round(gammaGamma.logLikelihood, 2),
        repeatBuyers: buyers.length,
        iterations: gammaGamma.iterations,
        converged: gammaGamma.converged,
        atBound: gammaGamma.atBound,
        meanSpendObserved: round(sum(buyers.map((c) => c.zbar)) / Math.max(1, buyers.length), 2),
        meanSpendExpected: round(sum(buyers.map((c) => expectedSpend(gammaGamma.params, c))) / Math.max(1, buyers.length), 2),
      },
      seconds: round((performance.now() - started) / 1000, 2),
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const b = result.bgNbd;
      const g = result.gammaGamma;
      process.stdout.write(
        [
          `purchases made by ${result.asOf}${result.knownAt ? `, as known at ${result.knownAt}` : ''}: ${result.purchases} by ${result.customers} customer(s); time in weeks`,
          `BG/NBD        r = ${b.r}  alpha = ${b.alpha}  a = ${b.a}  b = ${b.b}  log-likelihood ${b.logLikelihood}  (${b.converged ? 'converged' : 'NOT converged'} in ${b.iterations} iterations${b.atBound ? '; a parameter is at the edge of 1e-6..1e6: the data do not identify it' : ''})`,
          `              repeat purchases: ${b.repeatPurchasesObserved} observed, ${b.repeatPurchasesExpected} expected; mean P(alive) ${b.meanProbabilityAlive}`,
          `Gamma-Gamma   p = ${g.p}  q = ${g.q}  gamma = ${g.gamma}  log-likelihood ${g.logLikelihood} on ${g.repeatBuyers} repeat buyer(s)  (${g.converged ? 'converged' : 'NOT converged'} in ${g.iterations} iterations${g.atBound ? '; a parameter is at the edge of 1e-6..1e6' : ''})`,
          `              mean spend per repeat purchase (${result.currency}): ${g.meanSpendObserved} observed, ${g.meanSpendExpected} expected`,
          `fitted in ${result.seconds} s`,
        ].join('\n') + '\n',
      );
    }
    return bgNbd.converged && gammaGamma.converged ? ExitCode.ok : ExitCode.internalError;
  } finally {
    await ledger.store.close();
  }
};
