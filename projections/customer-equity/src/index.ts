export { EquityErrorCode, ModelsUnavailableError, querySeries, type SeriesAnswer, type SeriesQuery } from './query.ts';
export { knownAtFromLater, type LaterSeries } from './knownAtFromLater.ts';
export { EquityTracker, type EquityTrackerOptions, type Figures, type Restatement, type StoredPoint } from './tracker.ts';
export { trustFromLedger } from './trust.ts';
export { KnownAtPreparer, knownAtStops, type KnownAtPreparation } from './knownAtStops.ts';
export { endIdleEquityWorker, terminateEquityWorker } from './offThread.ts';
