/** What the single customer view keeps per customer (merged customers folded in). Plain JSON. */
export interface CustomerViewState {
  registeredAt: string | null;
  origin: string | null;
  /**
   * Every link of an identifier to the customer or to a customer merged into it, in log order
   * within each stream; values are references into the log (one per link), resolved for queries.
   */
  identifiers: { kind: string; value: string; verified: boolean; linkedAt: string }[];
  /** Customer ids folded into this one. */
  mergedIds: string[];
  /** Values as references into the log, resolved for queries. */
  profile: {
    givenName?: string;
    familyName?: string;
    birthDate?: string;
    address?: { line1: string; line2?: string; city: string; postalCode: string; country: string };
    updatedAt?: string;
  };
  /** Latest decision per purpose, by valid time. */
  consent: Record<string, { granted: boolean; at: string }>;
  contactPreferences: Record<string, { optedIn: boolean; maxPerMonth?: number; at: string }>;
  /** Per channel: events seen and the latest contact on it (valid time). */
  channels: Record<string, { events: number; lastContactAt: string }>;
  purchases: { count: number; minor: number; lastAt: string | null };
  refunds: { count: number; minor: number };
  enquiries: PromiseLedger;
  complaints: PromiseLedger;
  /** Offer events of the last 90 days before the latest one (older ones cannot count in any window). */
  offerLog: { offerId: string; outcome: 'presented' | 'accepted' | 'declined'; at: string }[];
  sentiment: { score: number; agentId: string; at: string } | null;
  ideas: { submitted: number; votesUp: number; votesDown: number };
  defected: { reason: string; at: string } | null;
  /** Set once the customer's personal data was erased: profile and identifier values are gone. */
  erased: { basis: string; at: string } | null;
  firstSeen: string | null;
  lastSeen: string | null;
}

/** Open promises (enquiries or complaints) by id, and counts of the closed ones. */
export interface PromiseLedger {
  open: Record<string, { topic: string; openedAt: string; dueBy: string }>;
  closed: number;
  closedLate: number;
}

export const initialCustomerView: CustomerViewState = {
  registeredAt: null,
  origin: null,
  identifiers: [],
  mergedIds: [],
  profile: {},
  consent: {},
  contactPreferences: {},
  channels: {},
  purchases: { count: 0, minor: 0, lastAt: null },
  refunds: { count: 0, minor: 0 },
  enquiries: { open: {}, closed: 0, closedLate: 0 },
  complaints: { open: {}, closed: 0, closedLate: 0 },
  offerLog: [],
  sentiment: null,
  ideas: { submitted: 0, votesUp: 0, votesDown: 0 },
  defected: null,
  erased: null,
  firstSeen: null,
  lastSeen: null,
};
