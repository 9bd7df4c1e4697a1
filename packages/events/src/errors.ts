/** Base of every roc-ledger error: a stable code, whether retrying can help, and the cause. */
export class RocLedgerError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export const EventsErrorCode = {
  invalidEvent: 'EVENTS_ERR_INVALID_EVENT',
  unknownType: 'EVENTS_ERR_UNKNOWN_EVENT_TYPE',
  unsupportedVersion: 'EVENTS_ERR_UNSUPPORTED_SCHEMA_VERSION',
  ledgerFieldSet: 'EVENTS_ERR_LEDGER_FIELD_SET',
  currencyNotReporting: 'EVENTS_ERR_CURRENCY_NOT_REPORTING',
} as const;
export type EventsErrorCode = (typeof EventsErrorCode)[keyof typeof EventsErrorCode];

export interface ContractIssue {
  /** Dotted path into the event, e.g. `data.amount.currency`; empty for the event itself. */
  readonly path: string;
  readonly message: string;
}

/** An event does not satisfy the contract. Never retriable: the same bytes fail the same way. */
export class ContractViolationError extends RocLedgerError {
  readonly issues: readonly ContractIssue[];
  readonly eventId: string | undefined;

  constructor(code: EventsErrorCode, issues: readonly ContractIssue[], eventId: string | undefined) {
    const where = eventId ? ` (event ${eventId})` : '';
    const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    super(code, `invalid event${where}: ${detail}`);
    this.issues = issues;
    this.eventId = eventId;
  }
}
