import type { RecordedEvent } from '@roc-ledger/ledger';

/** One consent decision of a customer for the projection's purpose, in valid time. */
export interface ConsentDecision {
  readonly at: number;
  readonly position: number;
  readonly granted: boolean;
}

export const CONSENT_EVENT_TYPES = ['ConsentGranted', 'ConsentWithdrawn'] as const;

export const isConsentDecision = (event: RecordedEvent, purpose: string): boolean =>
  (event.type === 'ConsentGranted' || event.type === 'ConsentWithdrawn') && (event.data as { purpose?: string }).purpose === purpose;

/** The decisions among these events (one customer's, merged customers' included), in valid-time order. */
export const consentDecisions = (events: Iterable<RecordedEvent>, purpose: string): ConsentDecision[] => {
  const decisions: ConsentDecision[] = [];
  for (const e of events) if (isConsentDecision(e, purpose)) decisions.push({ at: Date.parse(e.occurredAt), position: e.globalPosition, granted: e.type === 'ConsentGranted' });
  return decisions.sort((a, b) => a.at - b.at || a.position - b.position);
};

/** Whether consent held at a valid time: the latest decision made by then (the later recorded one on a tie); none means no consent. */
export const consentHeld = (decisions: readonly ConsentDecision[], at: number): boolean => {
  let held = false;
  for (const d of decisions) {
    if (d.at > at) break;
    held = d.granted;
  }
  return held;
};
