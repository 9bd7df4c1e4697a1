import { RocLedgerError } from '@roc-ledger/events';

export const IngestErrorCode = {
  occurredInFuture: 'INGEST_ERR_OCCURRED_IN_FUTURE',
  channelNotAllowed: 'INGEST_ERR_CHANNEL_NOT_ALLOWED',
  reservedType: 'INGEST_ERR_RESERVED_TYPE',
} as const;

/** Event types only the ledger itself records (CustomerErased: by `erase`, which destroys the keys first). */
export const LEDGER_RECORDED_TYPES: readonly string[] = ['CustomerErased'];

export class ReservedTypeError extends RocLedgerError {
  readonly eventId: string;
  readonly issues: readonly { path: string; message: string }[];

  constructor(eventId: string, type: string) {
    super(IngestErrorCode.reservedType, `${type} is recorded by the ledger itself (roc-ledger erase, DELETE /v1/customers/:id/personal-data), never published`);
    this.eventId = eventId;
    this.issues = [{ path: 'type', message: `${type} cannot be published` }];
  }
}

export class OccurredInFutureError extends RocLedgerError {
  readonly eventId: string;

  constructor(eventId: string, occurredAt: string, limit: string) {
    super(IngestErrorCode.occurredInFuture, `occurredAt ${occurredAt} is later than the ledger's clock allows (${limit})`);
    this.eventId = eventId;
  }
}

export class ChannelNotAllowedError extends RocLedgerError {
  readonly eventId: string | undefined;

  constructor(eventId: string | undefined, channel: string, allowed: readonly string[]) {
    super(IngestErrorCode.channelNotAllowed, `this publisher may publish ${allowed.length ? allowed.join(', ') : 'no'} channel events, not ${channel}`);
    this.eventId = eventId;
  }
}
