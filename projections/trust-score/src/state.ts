/** One fact that moved the score: the event, the rule, and its full effect before decay. */
export interface Contribution {
  eventId: string;
  type: string;
  /** Valid time of the event: decay runs from it. */
  at: string;
  rule: string;
  effect: number;
}

export interface TrustState {
  contributions: Contribution[];
  /** Promises still open: settled (kept or broken) when closed, counted as broken once overdue. */
  openPromises: Record<string, { kind: 'enquiry' | 'complaint'; dueBy: string; eventId: string; type: string; at: string }>;
  /** Offers presented and not yet answered: counted as ignored once expired. */
  unansweredOffers: Record<string, { expiresAt: string; eventId: string; at: string }>;
  /** Valid times (epoch ms) of offers presented within two bombardment windows before the latest. */
  recentOffers: number[];
  /** Latest contact the firm initiated (or, before any, when the customer became known). */
  lastFirmContactAt: string | null;
  lastFirmContactEventId: string | null;
}

export const initialTrustState: TrustState = {
  contributions: [],
  openPromises: {},
  unansweredOffers: {},
  recentOffers: [],
  lastFirmContactAt: null,
  lastFirmContactEventId: null,
};
