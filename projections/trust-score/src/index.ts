import { defineProjection } from '@roc-ledger/projections';
import { trustHandlers } from './handlers.ts';
import { TRUST_RULES_V1, type TrustRules } from './rules.ts';
import { scoreAt } from './score.ts';
import { initialTrustState, TRUST_STATE_LAYOUT, type TrustState } from './state.ts';

export { TRUST_RULES_V1, type TrustRules } from './rules.ts';
export type { ScoredContribution, TrustScore } from './score.ts';
export { TRUST_STATE_LAYOUT, type TrustState } from './state.ts';

/**
 * The trust-score projection for a rules configuration. Its version follows both the rules' version
 * and the state's layout: 100 × rules version + layout (trust-score@103 is rules 1 in layout 3).
 */
export const trustScoreProjection = (rules: TrustRules = TRUST_RULES_V1) =>
  defineProjection<TrustState>({
    name: 'trust-score',
    version: rules.version * 100 + TRUST_STATE_LAYOUT,
    description: 'Explainable trust, 0 to 100 per customer: every point traced to an event and a rule.',
    consumes: [
      'CustomerRegistered',
      'EnquiryOpened',
      'EnquiryFulfilled',
      'ComplaintOpened',
      'ComplaintResolved',
      'OfferPresented',
      'OfferAccepted',
      'OfferDeclined',
      'ProfileUpdated',
      'IdentifierLinked',
      'ConsentGranted',
      'ConsentWithdrawn',
      'ContactPreferenceSet',
      'SentimentRecorded',
      'RefundIssued',
      'IdeaSubmitted',
      'IdeaVoted',
      'InteractionRecorded',
      'CustomerDefected',
    ],
    initialState: initialTrustState,
    handlers: trustHandlers(rules),
    queries: { score: scoreAt(rules) },
  });

export const trustScore = trustScoreProjection();
export default trustScore;
