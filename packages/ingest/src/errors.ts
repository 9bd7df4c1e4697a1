import { RocLedgerError } from '@roc-ledger/events';

export const IngestErrorCode = {
  occurredInFuture: 'INGEST_ERR_OCCURRED_IN_FUTURE',
  channelNotAllowed: 'INGEST_ERR_CHANNEL_NOT_ALLOWED',
} as const;

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
