import type { LedgerMoney, MoneyEvent } from '@roc-ledger/clv';

/**
 * The earliest instant (epoch ms) from which a merge can change the series' figures: when the first
 * movement, in the cut, of either customer it joins happened, if earlier than the merge itself.
 * Identity is retroactive: every movement of the merged customer goes under the survivor, from the
 * first on, so each period from then counts one customer where it counted two (their summaries,
 * and the models fitted on them, change too). In a cut after the merge both ids name the survivor.
 */
export const mergeChangesFiguresFrom = (merge: { readonly survivorId: string; readonly mergedId: string; readonly at: number }, money: LedgerMoney): number =>
  Math.min(merge.at, money.firstMovementOf([money.canonicalOf(merge.survivorId), money.canonicalOf(merge.mergedId)]));

/** The earliest instant (epoch ms) from which a money event (when it happened) or a merge (above) can change the series' figures. */
export const changesFiguresFrom = (event: Pick<MoneyEvent, 'type' | 'occurredAt' | 'data'>, money: LedgerMoney): number => {
  const at = Date.parse(event.occurredAt);
  if (event.type !== 'CustomersMerged') return at;
  const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
  return mergeChangesFiguresFrom({ survivorId, mergedId, at }, money);
};
