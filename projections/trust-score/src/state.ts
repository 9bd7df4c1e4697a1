/** One fact that moved the score: the event, the rule, and its full effect before decay. */
export interface Contribution {
  eventId: string;
  type: string;
  /** Valid time of the event: decay runs from it. */
  at: string;
  rule: string;
  effect: number;
}

/** An enquiry or complaint opened and not yet closed; `id` is `enquiry:<enquiryId>` or `complaint:<complaintId>`. */
export interface OpenPromise {
  at: string;
  dueBy: string;
  eventId: string;
  id: string;
  kind: 'enquiry' | 'complaint';
  type: string;
}

/** An offer presented with an expiry and not yet answered; `id` is its offerId. */
export interface UnansweredOffer {
  at: string;
  eventId: string;
  expiresAt: string;
  id: string;
}

/**
 * The state's layout: part of the projection's version (see index.ts), so a change of layout
 * rebuilds the scores beside the old ones as a change of rules does. Layout 2 keeps open promises
 * and unanswered offers as lists sorted by id, found by binary search (layout 1 kept them as
 * objects keyed by id, which V8 turns into slow dictionaries as ids come and go).
 */
export const TRUST_STATE_LAYOUT = 2;

export interface TrustState {
  contributions: Contribution[];
  /** Promises still open, sorted by id: settled (kept or broken) when closed, counted as broken once overdue. */
  openPromises: OpenPromise[];
  /** Offers presented and not yet answered, sorted by id: counted as ignored once expired. */
  unansweredOffers: UnansweredOffer[];
  /** Valid times (epoch ms) of offers presented within two bombardment windows before the latest. */
  recentOffers: number[];
  /** Latest contact the firm initiated (or, before any, when the customer became known). */
  lastFirmContactAt: string | null;
  lastFirmContactEventId: string | null;
}

export const initialTrustState: TrustState = {
  contributions: [],
  openPromises: [],
  unansweredOffers: [],
  recentOffers: [],
  lastFirmContactAt: null,
  lastFirmContactEventId: null,
};
