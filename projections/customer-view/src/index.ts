import { EVENT_TYPES } from '@roc-ledger/events';
import { defineProjection, type QueryContext } from '@roc-ledger/projections';
import { customerViewHandlers, OFFER_WINDOW_DAYS } from './handlers.ts';
import { initialCustomerView, type CustomerViewState, type PromiseLedger } from './state.ts';

export type { CustomerViewState } from './state.ts';

const DAY_MS = 86_400_000;

const offersWithin = (state: CustomerViewState, at: Date, days: number) => {
  const from = at.getTime() - days * DAY_MS;
  const counts = { presented: 0, accepted: 0, declined: 0 };
  for (const offer of state.offerLog) {
    const t = Date.parse(offer.at);
    if (t > from && t <= at.getTime()) counts[offer.outcome] += 1;
  }
  return counts;
};

const promises = (ledger: PromiseLedger, at: Date) => {
  const open = Object.entries(ledger.open)
    .map(([id, promise]) => ({ id, ...promise, overdue: Date.parse(promise.dueBy) < at.getTime() }))
    .sort((a, b) => Date.parse(a.dueBy) - Date.parse(b.dueBy) || (a.id < b.id ? -1 : 1));
  return { open, openCount: open.length, overdueCount: open.filter((p) => p.overdue).length, closed: ledger.closed, closedLate: ledger.closedLate };
};

/** The view at a moment: the stored state plus what depends on that moment (overdue promises, offers in the last 30 and 90 days). */
export const viewAt = (state: CustomerViewState, { at, partition }: QueryContext) => {
  const { offerLog: _offerLog, enquiries, complaints, ...rest } = state;
  return {
    customerId: partition,
    ...rest,
    enquiries: promises(enquiries, at),
    complaints: promises(complaints, at),
    offers: { last30Days: offersWithin(state, at, 30), last90Days: offersWithin(state, at, OFFER_WINDOW_DAYS) },
  };
};

export const customerView = defineProjection<CustomerViewState>({
  name: 'customer-view',
  version: 2,
  description: 'The single customer view, one per canonical customer, merged customers folded in.',
  consumes: EVENT_TYPES,
  // The identifiers and the profile; nothing else personal (notes, free text) is kept.
  personalData: ['IdentifierLinked', 'ProfileUpdated'],
  initialState: initialCustomerView,
  handlers: customerViewHandlers,
  queries: { view: viewAt },
});

export default customerView;
