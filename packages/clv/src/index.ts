export {
  bgNbdLogLikelihood,
  bgNbdTotalLogLikelihood,
  expectedPurchases,
  expectedPurchasesOfNewCustomer,
  fitBgNbd,
  probabilityAlive,
  type BgNbdParams,
  type Fit,
} from './bgnbd.ts';
export { customerLifetimeValue, type ClvOptions } from './clv.ts';
export { expectedSpend, fitGammaGamma, gammaGammaLogLikelihood, spendCustomers, type GammaGammaParams } from './gammaGamma.ts';
export { nelderMead, type Minimum, type NelderMeadOptions } from './optimize.ts';
export { hyp2f1, lnBeta, lnGamma, SeriesDidNotConvergeError } from './special.ts';
export { summarize, type CustomerSummary, type Purchase } from './summary.ts';
