import { ERASED_VALUE, EVENT_TYPES } from '@roc-ledger/events';
import { compareInstants, defineProjection, type QueryContext } from '@roc-ledger/projections';
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

/**
 * Each identifier once, where it was linked first, verified if any link was (the state keeps every
 * link, as references that differ per link). Erased values are not one identifier: each stays.
 */
const distinctIdentifiers = (identifiers: CustomerViewState['identifiers']): CustomerViewState['identifiers'] => {
  const byValue = new Map<string, CustomerViewState['identifiers'][number]>();
  const distinct: CustomerViewState['identifiers'] = [];
  for (const link of identifiers) {
    const id = JSON.stringify([link.kind, link.value]);
    const known = link.value === ERASED_VALUE ? undefined : byValue.get(id);
    if (!known) {
      const first = { ...link };
      byValue.set(id, first);
      distinct.push(first);
      continue;
    }
    known.verified ||= link.verified;
    if (compareInstants(link.linkedAt, known.linkedAt) < 0) known.linkedAt = link.linkedAt;
  }
  return distinct;
};

/**
 * The view at a moment, from a state whose personal values are resolved (the runtime resolves
 * them before any query): the stored state plus what depends on that moment (overdue promises,
 * offers in the last 30 and 90 days), each identifier once.
 */
export const viewAt = (state: CustomerViewState, { at, partition }: QueryContext) => {
  const { offerLog: _offerLog, enquiries, complaints, identifiers, ...rest } = state;
  return {
    customerId: partition,
    ...rest,
    identifiers: distinctIdentifiers(identifiers),
    enquiries: promises(enquiries, at),
    complaints: promises(complaints, at),
    offers: { last30Days: offersWithin(state, at, 30), last90Days: offersWithin(state, at, OFFER_WINDOW_DAYS) },
  };
};

export const customerView = defineProjection<CustomerViewState>({
  name: 'customer-view',
  // 3: identifiers and profile kept by reference (2 kept their values, opened at every rebuild).
  version: 3,
  description: 'The single customer view, one per canonical customer, merged customers folded in.',
  consumes: EVENT_TYPES,
  // The identifiers and the profile, kept by reference: the read models hold no personal data, and
  // a rebuild decrypts none. Nothing else personal (notes, free text) is kept.
  personalDataByReference: ['IdentifierLinked', 'ProfileUpdated'],
  initialState: initialCustomerView,
  handlers: customerViewHandlers,
  queries: { view: viewAt },
});

export default customerView;
