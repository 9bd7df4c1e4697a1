import type { Draft } from 'immer';
import type { RecordedEvent } from '@roc-ledger/ledger';
import { compareInstants, type Handlers } from '@roc-ledger/projections';
import type { TrustRules } from './rules.ts';
import type { TrustState } from './state.ts';

type Trust = Draft<TrustState>;
const DAY_MS = 86_400_000;
const ms = (iso: string) => Date.parse(iso);

const add = (trust: Trust, event: RecordedEvent, rule: string, effect: number): void => {
  if (effect === 0) return;
  const contributions = trust.contributions;
  contributions.at.push(event.occurredAt);
  contributions.effect.push(effect);
  contributions.eventId.push(event.eventId);
  contributions.rule.push(rule);
  contributions.type.push(event.type);
};

/** The firm reached out: silence is measured from the latest such contact (valid time). */
const firmContact = (trust: Trust, event: RecordedEvent): void => {
  if (!trust.lastFirmContactAt || compareInstants(event.occurredAt, trust.lastFirmContactAt) > 0) {
    trust.lastFirmContactAt = event.occurredAt;
    trust.lastFirmContactEventId = event.eventId;
  }
};

/** Where the item with this id is in a list sorted by id; if none is, ~(where it would go). */
const search = (list: readonly { id: string }[], id: string): number => {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = list[middle]!.id;
    if (at < id) low = middle + 1;
    else if (at > id) high = middle - 1;
    else return middle;
  }
  return ~low;
};

/** Adds an item to a list of open items sorted by id, in place of one with the same id (as a key set again would be). */
const keep = <T extends { id: string }>(list: T[], item: T): void => {
  const at = search(list, item.id);
  if (at >= 0) list[at] = item;
  else list.splice(~at, 0, item);
};

/** Closes an open item: the item, or undefined if none was open with that id. */
const drop = <T extends { id: string }>(list: T[], id: string): T | undefined => {
  const at = search(list, id);
  return at < 0 ? undefined : list.splice(at, 1)[0];
};

const settle = (trust: Trust, rules: TrustRules, event: RecordedEvent, id: string): void => {
  const promise = drop(trust.openPromises, id);
  if (!promise) return;
  const kept = compareInstants(event.occurredAt, promise.dueBy) <= 0;
  const effect = promise.kind === 'enquiry' ? (kept ? rules.promises.enquiryKept : rules.promises.enquiryBroken) : kept ? rules.promises.complaintKept : rules.promises.complaintBroken;
  add(trust, event, `${promise.kind}-${kept ? 'kept' : 'broken'}`, effect);
  firmContact(trust, event);
};

export const trustHandlers = (rules: TrustRules): Handlers<TrustState> => ({
  CustomerRegistered: (trust, event) => {
    // Silence counts from when the customer became known, until the firm first reaches out.
    if (!trust.lastFirmContactAt) {
      trust.lastFirmContactAt = event.occurredAt;
      trust.lastFirmContactEventId = event.eventId;
    }
  },
  EnquiryOpened: (trust, event) => {
    keep(trust.openPromises, { at: event.occurredAt, dueBy: event.data.dueBy, eventId: event.eventId, id: `enquiry:${event.data.enquiryId}`, kind: 'enquiry', type: event.type });
  },
  EnquiryFulfilled: (trust, event) => settle(trust, rules, event, `enquiry:${event.data.enquiryId}`),
  ComplaintOpened: (trust, event) => {
    keep(trust.openPromises, { at: event.occurredAt, dueBy: event.data.dueBy, eventId: event.eventId, id: `complaint:${event.data.complaintId}`, kind: 'complaint', type: event.type });
    add(trust, event, `complaint-${event.data.severity}`, rules.complaintOpened[event.data.severity]);
  },
  ComplaintResolved: (trust, event) => settle(trust, rules, event, `complaint:${event.data.complaintId}`),
  OfferPresented: (trust, event) => {
    firmContact(trust, event);
    const at = ms(event.occurredAt);
    const window = rules.offers.windowDays * DAY_MS;
    const from = at - window;
    // Offers older than two windows before this one can no longer fall in any window a later offer
    // opens: dropped in place while the offers in this one's window are counted (this one included).
    const times = trust.recentOffers;
    let kept = 0;
    let inWindow = 1;
    for (let i = 0; i < times.length; i++) {
      const t = times[i]!;
      if (t <= from - window) continue;
      times[kept++] = t;
      if (t > from && t <= at) inWindow++;
    }
    times.length = kept;
    times.push(at);
    if (inWindow > rules.offers.maxInWindow) add(trust, event, 'bombardment', rules.offers.bombardment);
    if (event.data.expiresAt) keep(trust.unansweredOffers, { at: event.occurredAt, eventId: event.eventId, expiresAt: event.data.expiresAt, id: event.data.offerId });
  },
  OfferAccepted: (trust, event) => {
    drop(trust.unansweredOffers, event.data.offerId);
    add(trust, event, 'offer-accepted', rules.offers.accepted);
  },
  OfferDeclined: (trust, event) => {
    drop(trust.unansweredOffers, event.data.offerId);
    const tooMany = event.data.reason === 'too-many-offers';
    add(trust, event, tooMany ? 'offer-declined-too-many' : 'offer-declined', tooMany ? rules.offers.declinedAsTooMany : rules.offers.declined);
  },
  ProfileUpdated: (trust, event) => add(trust, event, 'data-shared', rules.data.profileShared),
  IdentifierLinked: (trust, event) => {
    if (event.data.verified) add(trust, event, 'identifier-verified', rules.data.identifierVerified);
  },
  ConsentGranted: (trust, event) => add(trust, event, 'consent-granted', rules.data.consentGranted),
  ConsentWithdrawn: (trust, event) => add(trust, event, 'consent-withdrawn', rules.data.consentWithdrawn),
  ContactPreferenceSet: (trust, event) => {
    if (!event.data.optedIn) add(trust, event, 'opted-out', rules.data.optedOut);
  },
  SentimentRecorded: (trust, event) => add(trust, event, 'sentiment', event.data.score * rules.sentimentPerStep),
  RefundIssued: (trust, event) => add(trust, event, 'refund', rules.refund),
  IdeaSubmitted: (trust, event) => add(trust, event, 'idea-submitted', rules.voice.ideaSubmitted),
  IdeaVoted: (trust, event) => add(trust, event, 'idea-voted', rules.voice.ideaVoted),
  InteractionRecorded: (trust, event) => {
    if (event.data.initiatedBy === 'firm') firmContact(trust, event);
    else add(trust, event, 'customer-contact', rules.customerContact);
  },
  CustomerDefected: (trust, event) => add(trust, event, 'defected', rules.defected),
});
