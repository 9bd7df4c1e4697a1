/**
 * The facts that moved the score, one column per field, the n-th of each column one fact: the
 * event (id, type, valid time, from which decay runs), the rule, and its full effect before decay.
 * Columns of plain strings and numbers, not an object per fact: the state is most of what a
 * rebuild writes, and a million small objects were most of what it allocated and checked.
 */
export interface Contributions {
  at: string[];
  effect: number[];
  eventId: string[];
  rule: string[];
  type: string[];
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
 * rebuilds the scores beside the old ones as a change of rules does. Layout 2 kept open promises
 * and unanswered offers as lists sorted by id, found by binary search (layout 1 kept them as
 * objects keyed by id, which V8 turns into slow dictionaries as ids come and go); layout 3 keeps
 * contributions in columns (layout 2 kept an object per contribution).
 */
export const TRUST_STATE_LAYOUT = 3;

export interface TrustState {
  contributions: Contributions;
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
  contributions: { at: [], effect: [], eventId: [], rule: [], type: [] },
  openPromises: [],
  unansweredOffers: [],
  recentOffers: [],
  lastFirmContactAt: null,
  lastFirmContactEventId: null,
};
