import type { Draft } from 'immer';
import { ERASED_VALUE } from '@roc-ledger/events';
import { compareInstants, type Handlers } from '@roc-ledger/projections';
import type { RecordedEvent } from '@roc-ledger/ledger';
import { inKeyOrder, withKey } from './keyOrder.ts';
import type { CustomerViewState, PromiseLedger } from './state.ts';

type View = Draft<CustomerViewState>;
const DAY_MS = 86_400_000;
export const OFFER_WINDOW_DAYS = 90;

const ms = (iso: string) => Date.parse(iso);
const compare = compareInstants;
/** Valid-time order: a late event older than what is known does not overwrite it. */
const isNewer = (at: string, than: string | undefined | null) => !than || compare(at, than) >= 0;

/** Every event: first and last seen, and the channel it came through (the ledger's own 'system' events are not contact). */
const touch = (view: View, event: RecordedEvent): void => {
  if (!view.firstSeen || compare(event.occurredAt, view.firstSeen) < 0) view.firstSeen = event.occurredAt;
  if (!view.lastSeen || compare(event.occurredAt, view.lastSeen) > 0) view.lastSeen = event.occurredAt;
  if (event.channel === 'system') return;
  let channel = view.channels[event.channel];
  if (!channel) view.channels = withKey(view.channels, event.channel, (channel = { events: 0, lastContactAt: event.occurredAt }));
  channel.events += 1;
  if (isNewer(event.occurredAt, channel.lastContactAt)) channel.lastContactAt = event.occurredAt;
};

const close = (ledger: Draft<PromiseLedger>, id: string, at: string): void => {
  const promise = ledger.open[id];
  if (!promise) return; // closed without an opening we know of: nothing to settle
  ledger.closed += 1;
  if (compare(at, promise.dueBy) > 0) ledger.closedLate += 1;
  delete ledger.open[id];
};

const logOffer = (view: View, offerId: string, outcome: 'presented' | 'accepted' | 'declined', at: string): void => {
  view.offerLog.push({ at, offerId, outcome });
  // Every 16 entries, drop those older than the window before the customer's latest event: they
  // can count in no window a query at or after it asks about (queries filter by time anyway).
  if (view.offerLog.length % 16 === 0) {
    const horizon = new Date(ms(view.lastSeen ?? at) - OFFER_WINDOW_DAYS * DAY_MS).toISOString();
    view.offerLog = view.offerLog.filter((o) => compare(o.at, horizon) >= 0);
  }
};

/** A consent decision for a purpose: kept unless a later one is already known. */
const decideConsent = (view: View, event: RecordedEvent, purpose: string, granted: boolean): void => {
  touch(view, event);
  if (isNewer(event.occurredAt, view.consent[purpose]?.at)) view.consent = withKey(view.consent, purpose, { at: event.occurredAt, granted });
};

export const customerViewHandlers: Handlers<CustomerViewState> = {
  CustomerRegistered: (view, event) => {
    touch(view, event);
    if (!view.registeredAt || compare(event.occurredAt, view.registeredAt) < 0) {
      view.registeredAt = event.occurredAt;
      view.origin = event.data.origin;
    }
  },
  IdentifierLinked: (view, event) => {
    touch(view, event);
    // The value is a reference to this event's: one identifier linked twice is two entries here, one in the view (viewAt).
    const { kind, value } = event.data.identifier;
    view.identifiers.push({ kind, linkedAt: event.occurredAt, value, verified: event.data.verified });
  },
  CustomersMerged: (view, event) => {
    touch(view, event);
    if (!view.mergedIds.includes(event.data.mergedId)) view.mergedIds.push(event.data.mergedId);
  },
  ProfileUpdated: (view, event) => {
    touch(view, event);
    if (!isNewer(event.occurredAt, view.profile.updatedAt)) return;
    view.profile = inKeyOrder({ ...view.profile, ...event.data, updatedAt: event.occurredAt });
  },
  ConsentGranted: (view, event) => decideConsent(view, event, event.data.purpose, true),
  ConsentWithdrawn: (view, event) => decideConsent(view, event, event.data.purpose, false),
  ContactPreferenceSet: (view, event) => {
    touch(view, event);
    const { medium, optedIn, maxPerMonth } = event.data;
    if (!isNewer(event.occurredAt, view.contactPreferences[medium]?.at)) return;
    view.contactPreferences = withKey(view.contactPreferences, medium, { at: event.occurredAt, ...(maxPerMonth === undefined ? {} : { maxPerMonth }), optedIn });
  },
  InteractionRecorded: (view, event) => touch(view, event),
  CostToServeRecorded: (view, event) => touch(view, event),
  PurchaseMade: (view, event) => {
    touch(view, event);
    view.purchases.count += 1;
    view.purchases.minor += event.data.amount.minor;
    if (isNewer(event.occurredAt, view.purchases.lastAt)) view.purchases.lastAt = event.occurredAt;
  },
  RefundIssued: (view, event) => {
    touch(view, event);
    view.refunds.count += 1;
    view.refunds.minor += event.data.amount.minor;
  },
  EnquiryOpened: (view, event) => {
    touch(view, event);
    view.enquiries.open[event.data.enquiryId] = { dueBy: event.data.dueBy, openedAt: event.occurredAt, topic: event.data.topic };
  },
  EnquiryFulfilled: (view, event) => {
    touch(view, event);
    close(view.enquiries, event.data.enquiryId, event.occurredAt);
  },
  ComplaintOpened: (view, event) => {
    touch(view, event);
    view.complaints.open[event.data.complaintId] = { dueBy: event.data.dueBy, openedAt: event.occurredAt, topic: event.data.category };
  },
  ComplaintResolved: (view, event) => {
    touch(view, event);
    close(view.complaints, event.data.complaintId, event.occurredAt);
  },
  OfferPresented: (view, event) => {
    touch(view, event);
    logOffer(view, event.data.offerId, 'presented', event.occurredAt);
  },
  OfferAccepted: (view, event) => {
    touch(view, event);
    logOffer(view, event.data.offerId, 'accepted', event.occurredAt);
  },
  OfferDeclined: (view, event) => {
    touch(view, event);
    logOffer(view, event.data.offerId, 'declined', event.occurredAt);
  },
  SentimentRecorded: (view, event) => {
    touch(view, event);
    if (isNewer(event.occurredAt, view.sentiment?.at)) view.sentiment = { agentId: event.data.agentId, at: event.occurredAt, score: event.data.score };
  },
  IdeaSubmitted: (view, event) => {
    touch(view, event);
    view.ideas.submitted += 1;
  },
  IdeaVoted: (view, event) => {
    touch(view, event);
    if (event.data.vote === 'up') view.ideas.votesUp += 1;
    else view.ideas.votesDown += 1;
  },
  CustomerDefected: (view, event) => {
    touch(view, event);
    if (isNewer(event.occurredAt, view.defected?.at)) view.defected = { at: event.occurredAt, reason: event.data.reason };
  },
  CustomerErased: (view, event) => {
    touch(view, event);
    // The log no longer opens this customer's personal fields; the view keeps only the facts.
    view.erased = { at: event.occurredAt, basis: event.data.basis };
    view.profile = {};
    for (const identifier of view.identifiers) identifier.value = ERASED_VALUE;
  },
};
