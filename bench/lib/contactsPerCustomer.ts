// An analyst's projection for the bench: per customer, the events of the common interaction types
// and the channels they came through (every handler trivial, so the run measures the runtime's part).
import { defineProjection, type Handler } from '@roc-ledger/projections';

interface Contacts {
  events: number;
  byChannel: Record<string, number>;
  lastAt: string | null;
}

const TYPES = ['InteractionRecorded', 'PurchaseMade', 'OfferPresented', 'OfferAccepted', 'OfferDeclined', 'EnquiryOpened', 'EnquiryFulfilled', 'ComplaintOpened', 'ComplaintResolved', 'SentimentRecorded', 'CostToServeRecorded', 'RefundIssued'] as const;

const count: Handler<Contacts> = (state, event) => {
  state.events += 1;
  state.byChannel[event.channel] = (state.byChannel[event.channel] ?? 0) + 1;
  state.lastAt = event.occurredAt;
};

export default defineProjection<Contacts>({
  name: 'contacts-per-customer',
  version: 1,
  consumes: [...TYPES],
  initialState: { events: 0, byChannel: {}, lastAt: null },
  handlers: Object.fromEntries(TYPES.map((type) => [type, count])),
});
