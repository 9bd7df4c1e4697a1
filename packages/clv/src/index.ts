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
export { customerLifetimeValue, discountedExpectedPurchases, type ClvOptions } from './clv.ts';
export { expectedSpend, fitGammaGamma, gammaGammaLogLikelihood, spendCustomers, type GammaGammaParams } from './gammaGamma.ts';
export { nelderMead, type Minimum, type NelderMeadOptions } from './optimize.ts';
export { hyp2f1, lnBeta, lnGamma, SeriesDidNotConvergeError } from './special.ts';
export { summarize, type CustomerSummary, type Purchase } from './summary.ts';
export { MONEY_EVENT_TYPES, MoneyLog, moneyEventOf, moneyFromLedger, purchasesFromLedger, readMoneyLog, type LedgerCut, type LedgerMoney, type MoneyEvent, type MoneyMerge } from './fromLedger.ts';
export { copyColumns, packMoney, transferablesOf, unpackMoney, type MoneyColumns } from './moneyColumns.ts';
export { earliestOf, equityAt, equityPoints, equitySeries, modelsFor, pointFor, segmentsAt, SEGMENTS, trustBand, type CashMovement, type TrustInput, type EquityOptions, type EquityPoint, type Models, type SegmentBy, type SegmentPoint } from './equity.ts';
export { PERIOD_UNITS, periodOf, periodsBetween, type Period, type PeriodUnit } from './periods.ts';
export { returnOnCustomer } from './roc.ts';
