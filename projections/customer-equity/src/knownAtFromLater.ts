import { earliestOf, MONEY_EVENT_TYPES, moneyFromLedger, periodOf, periodsBetween, type EquityOptions, type EquityPoint, type LedgerMoney, type PeriodUnit } from '@roc-ledger/clv';
import { NO_PERSONAL_DATA, CUSTOMER_STREAM_PREFIX, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { equityPointsOffThread, equitySeriesOffThread } from './offThread.ts';

/** A series computed for a later cut of the log: as known at an instant, or through a log position (the tracked series). */
export interface LaterSeries {
  readonly points: readonly EquityPoint[];
  readonly cut: { readonly knownAt: Date } | { readonly through: number };
}

const beyond = (event: RecordedEvent, cut: LaterSeries['cut']): boolean =>
  'through' in cut ? event.globalPosition > cut.through : Date.parse(event.recordedAt) > cut.knownAt.getTime();

/** When a customer of the cut made their first purchase, refund or cost (every one is a cash movement); Infinity if never. */
const firstMovementOf = (money: LedgerMoney, customerIds: ReadonlySet<string>): number => {
  let first = Number.POSITIVE_INFINITY;
  for (const movement of money.cash) if (movement.at < first && customerIds.has(movement.customerId)) first = movement.at;
  return first;
};

/**
 * The earliest instant the events recorded after `money`'s cut, up to the later cut, can change
 * figures at: money events when they happened; a merge when the first movement, in the earlier
 * cut, of either customer it joins happened (their movements change hands, and each period from
 * then counts one customer where it counted two). Stops reading once nothing before `floor` can
 * be kept anyway.
 */
const earliestChange = async (store: EventStore, money: LedgerMoney, later: LaterSeries['cut'], floor: number): Promise<number> => {
  let earliest = Number.POSITIVE_INFINITY;
  for await (const event of store.readAll({ types: [...MONEY_EVENT_TYPES], fromPosition: money.lastPosition + 1, openPersonalData: NO_PERSONAL_DATA, pageSize: 2048 })) {
    if (beyond(event, later)) break;
    // As moneyFromLedger: movements count only on customers' streams.
    if (!event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) continue;
    let from = Date.parse(event.occurredAt);
    if (event.type === 'CustomersMerged') {
      const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
      from = Math.min(from, firstMovementOf(money, new Set([money.canonicalOf(survivorId), money.canonicalOf(mergedId)])));
    }
    earliest = Math.min(earliest, from);
    if (earliest <= floor) break;
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
 * elsewhere.
 */
export const knownAtFromLater = async (store: EventStore, later: LaterSeries, known: Date, unit: PeriodUnit, options: EquityOptions): Promise<EquityPoint[]> => {
  const money = await moneyFromLedger(store, { knownAt: known });
  const to = known.getTime();
  if (money.purchases.length === 0) return [];
  const first = periodOf(earliestOf(money.purchases.map((p) => p.at)), unit);
  const kept: EquityPoint[] = [];
  if (later.points[0]?.period === first.label) {
    const changedFrom = await earliestChange(store, money, later.cut, first.end - 1);
    // Kept: the periods that ended by `known` (an open one is valued at `known`, not at its end) and before the first change.
    for (const point of later.points) {
      const last = Date.parse(point.end) - 1;
      if (last >= changedFrom || last > to) break;
      kept.push(point);
    }
  }
  if (kept.length === 0) return equitySeriesOffThread(money.purchases, money.cash, to, options);
  const previous = kept.at(-1)!;
  const rest = periodsBetween(Date.parse(previous.end), to, unit);
  if (rest.length === 0) return kept;
  return [...kept, ...(await equityPointsOffThread(money.purchases, money.cash, rest, periodOf(Date.parse(previous.start), unit), previous, to, options))];
};
