import { RocLedgerError } from '@roc-ledger/events';

export const LedgerErrorCode = {
  wrongExpectedRevision: 'LEDGER_ERR_WRONG_EXPECTED_REVISION',
  eventIdConflict: 'LEDGER_ERR_EVENT_ID_CONFLICT',
  partialDuplicate: 'LEDGER_ERR_PARTIAL_DUPLICATE',
  invalidStreamId: 'LEDGER_ERR_INVALID_STREAM_ID',
  invalidArgument: 'LEDGER_ERR_INVALID_ARGUMENT',
  storeClosed: 'LEDGER_ERR_STORE_CLOSED',
  storeUnavailable: 'LEDGER_ERR_STORE_UNAVAILABLE',
  storeCorrupt: 'LEDGER_ERR_STORE_CORRUPT',
  configMismatch: 'LEDGER_ERR_CONFIG_MISMATCH',
  invalidDigest: 'LEDGER_ERR_INVALID_DIGEST',
} as const;

export class WrongExpectedRevisionError extends RocLedgerError {
  readonly streamId: string;
  readonly expected: string;
  readonly actual: number;

  constructor(streamId: string, expected: string, actual: number) {
    super(
      LedgerErrorCode.wrongExpectedRevision,
      `stream ${streamId}: expected revision ${expected}, but the stream is at ${actual === -1 ? 'no_stream' : actual}`,
      // Retriable after re-reading the stream and re-deciding: the caller's view was stale.
      { retriable: true },
    );
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

export class EventIdConflictError extends RocLedgerError {
  readonly eventId: string;
  /** Where the id is stored, when the conflict is with a stored event. */
  readonly stored: { readonly streamId: string; readonly globalPosition: number } | undefined;

  constructor(eventId: string, detail: string, stored?: { streamId: string; globalPosition: number }) {
    super(LedgerErrorCode.eventIdConflict, `event id ${eventId} was already used for different content: ${detail}`);
    this.eventId = eventId;
    this.stored = stored;
  }
}

export class PartialDuplicateError extends RocLedgerError {
  readonly duplicateIds: readonly string[];
  readonly newIds: readonly string[];

  constructor(duplicateIds: readonly string[], newIds: readonly string[]) {
    super(
      LedgerErrorCode.partialDuplicate,
      `append mixes ${duplicateIds.length} already stored event(s) (first ${duplicateIds[0]}) with ${newIds.length} new one(s) (first ${newIds[0]}); ` +
        'an append is atomic, so retry it whole or send only the new events',
    );
    this.duplicateIds = duplicateIds;
    this.newIds = newIds;
  }
}

export class InvalidArgumentError extends RocLedgerError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

export class StoreClosedError extends RocLedgerError {
  constructor() {
    super(LedgerErrorCode.storeClosed, 'the event store is closed');
  }
}

export class StoreUnavailableError extends RocLedgerError {
  constructor(message: string, cause?: unknown) {
    super(LedgerErrorCode.storeUnavailable, message, { retriable: true, cause });
  }
}

export class StoreCorruptError extends RocLedgerError {
  constructor(message: string, cause?: unknown) {
    super(LedgerErrorCode.storeCorrupt, message, { cause });
  }
}

export class ConfigMismatchError extends RocLedgerError {
  constructor(message: string) {
    super(LedgerErrorCode.configMismatch, message);
  }
}
