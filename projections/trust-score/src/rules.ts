/**
 * The trust rules and their parameters: versioned configuration. A change of any value is a new
 * version, and the projection's version follows it, so the runtime rebuilds the scores beside
 * the old ones (blue/green). docs/trust-score.md explains each rule and why it is there.
 */
export interface TrustRules {
  readonly version: number;
  /** Where every customer starts, and where the score returns as effects decay. */
  readonly base: number;
  /** An effect halves every this many days after the event (valid time). */
  readonly halfLifeDays: number;
  readonly promises: {
    readonly enquiryKept: number;
    readonly enquiryBroken: number;
    readonly complaintKept: number;
    readonly complaintBroken: number;
  };
  readonly complaintOpened: { readonly low: number; readonly medium: number; readonly high: number };
  readonly offers: {
    readonly accepted: number;
    readonly declined: number;
    readonly declinedAsTooMany: number;
    /** An offer that expired with no answer. */
    readonly ignored: number;
    /** Each offer beyond `maxInWindow` presented within `windowDays`. */
    readonly bombardment: number;
    readonly maxInWindow: number;
    readonly windowDays: number;
  };
  readonly data: {
    readonly profileShared: number;
    readonly identifierVerified: number;
    readonly consentGranted: number;
    readonly consentWithdrawn: number;
    readonly optedOut: number;
  };
  /** Points per step of an agent's sentiment score (-2 to 2). */
  readonly sentimentPerStep: number;
  readonly refund: number;
  readonly voice: { readonly ideaSubmitted: number; readonly ideaVoted: number };
  readonly customerContact: number;
  readonly defected: number;
  /** The firm's silence: after `graceDays` without contact from the firm, `perPeriod` every further `periodDays`, at most `max`. */
  readonly silence: { readonly graceDays: number; readonly periodDays: number; readonly perPeriod: number; readonly max: number };
}

export const TRUST_RULES_V1: TrustRules = {
  version: 1,
  base: 50,
  halfLifeDays: 180,
  promises: { enquiryKept: 4, enquiryBroken: -6, complaintKept: 6, complaintBroken: -10 },
  complaintOpened: { low: -2, medium: -4, high: -6 },
  offers: { accepted: 3, declined: -2, declinedAsTooMany: -5, ignored: -1, bombardment: -3, maxInWindow: 4, windowDays: 30 },
  data: { profileShared: 2, identifierVerified: 1, consentGranted: 3, consentWithdrawn: -5, optedOut: -1 },
  sentimentPerStep: 3,
  refund: -2,
  voice: { ideaSubmitted: 3, ideaVoted: 1 },
  customerContact: 1,
  defected: -40,
  silence: { graceDays: 90, periodDays: 90, perPeriod: -5, max: -15 },
};
