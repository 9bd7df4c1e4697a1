import { periodOf, periodsBetween, type EquityOptions, type EquityPoint, type LedgerMoney, type MoneyLog, type PeriodUnit } from '@roc-ledger/clv';
import { mergeChangesFiguresFrom } from './changesFrom.ts';
import { equityPointsOffThread, equitySeriesOffThread } from './offThread.ts';

/** A cut of the log: as known at an instant, or through a log position (the tracked series'). */
export type LaterCut = { readonly knownAt: Date } | { readonly through: number };

/** A series computed for a later cut of the log than the one asked for. */
export interface LaterSeries {
  readonly points: readonly EquityPoint[];
  readonly cut: LaterCut;
}

const inLaterCut = (cut: LaterCut) => (recordedAt: number, position: number): boolean =>
  'through' in cut ? position <= cut.through : recordedAt <= cut.knownAt.getTime();

/**
 * The earliest instant the events recorded after `known`, up to the later cut, can change figures
 * at (changesFrom.ts): money events when they happened, merges from the first movement, in the
 * earlier cut, of either customer they join.
 */
const earliestChange = (log: MoneyLog, money: LedgerMoney, known: number, later: LaterCut): number => {
  const inLater = inLaterCut(later);
  let earliest = Number.POSITIVE_INFINITY;
  // Log order: the movements recorded after `known` are at the end.
  for (let i = log.length - 1; i >= 0 && log.recordedAt[i]! > known; i--) {
    if (inLater(log.recordedAt[i]!, log.positions[i]!)) earliest = Math.min(earliest, log.at[i]!);
  }
  for (let i = log.merges.length - 1; i >= 0 && log.merges[i]!.recordedMs > known; i--) {
    const merge = log.merges[i]!;
    if (!inLater(merge.recordedMs, merge.globalPosition)) continue;
    earliest = Math.min(earliest, mergeChangesFiguresFrom(merge, money));
  }
  return earliest;
};

/**
 * The series as known at `known`, from a series computed for a later cut: exactly what
 * equitySeries gives on the log cut at `known`, without refitting the models of every period.
 * A period's point uses only the movements that happened by its last instant (and the point
 * before it): where no event recorded between the two cuts changes anything by that instant, the
 * point is the later series' own, byte for byte. The periods from the first one an event changes
 * are computed again, each from the point before it; all of them when the later series starts
 * elsewhere. `log` must hold every money event of the later cut (MoneyLog.covers).
 */
export const knownAtFromLater = async (log: MoneyLog, later: LaterSeries, known: Date, unit: PeriodUnit, options: EquityOptions): Promise<EquityPoint[]> => {
  if (!log.covers(later.cut)) throw new RangeError('the money log does not reach the later cut');
  const money = log.cut({ knownAt: known });
  const to = known.getTime();
  if (!Number.isFinite(money.firstPurchaseAt)) return [];
  const first = periodOf(money.firstPurchaseAt, unit);
  const kept: EquityPoint[] = [];
  if (later.points[0]?.period === first.label) {
    const changedFrom = earliestChange(log, money, to, later.cut);
    // Kept: the periods that ended by `known` (an open one is valued at `known`, not at its end) and before the first change.
    for (const point of later.points) {
      const last = Date.parse(point.end) - 1;
      if (last >= changedFrom || last > to) break;
      kept.push(point);
    }
  }
  if (kept.length === 0) return equitySeriesOffThread(money, to, options);
  const previous = kept.at(-1)!;
  const rest = periodsBetween(Date.parse(previous.end), to, unit);
  if (rest.length === 0) return kept;
  return [...kept, ...(await equityPointsOffThread(money, rest, periodOf(Date.parse(previous.start), unit), previous, to, options))];
};
