export { EquityTracker, type EquityTrackerOptions, type Figures, type Restatement, type StoredPoint } from './tracker.ts';
