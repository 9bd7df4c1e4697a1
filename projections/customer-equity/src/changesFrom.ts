import type { LedgerMoney } from '@roc-ledger/clv';
import type { RecordedEvent } from '@roc-ledger/ledger';

/**
 * The earliest instant (epoch ms) from which a money event or a merge can change the series'
 * figures. A money event: when it happened. A merge: when the survivor's first movement in the cut
 * happened, if earlier than the merge itself. Identity is retroactive: in the cut, every movement
 * of the merged customer is under the survivor, from the first on, so each period from then counts
 * one customer where it counted two (their summaries, and the models fitted on them, change too).
 */
export const changesFiguresFrom = (event: Pick<RecordedEvent, 'type' | 'occurredAt' | 'data'>, money: LedgerMoney): number => {
  const occurred = Date.parse(event.occurredAt);
  if (event.type !== 'CustomersMerged') return occurred;
  return Math.min(occurred, money.firstMovementOf([money.canonicalOf((event.data as { survivorId: string }).survivorId)]));
};
