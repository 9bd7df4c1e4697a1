import type { AnyVersionEventInput, Problem } from '@roc-ledger/events';
import { LedgerHttp, LedgerRejectedError, LedgerUnavailableError, type LedgerHttpOptions } from './transport.ts';

export interface Accepted {
  eventId: string;
  customerId: string;
  streamId: string;
  globalPosition: number;
  streamRevision: number;
  recordedAt: string;
  duplicate: boolean;
  identityEvents: string[];
}

export interface BatchResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: { index: number; status: number; eventId?: string; result?: Accepted; problem?: Problem }[];
}

/** The names publishing code knows them by: the same classes as LedgerRejectedError and LedgerUnavailableError. */
export { LedgerRejectedError as PublishRejectedError, LedgerUnavailableError as PublishUnavailableError };
export type HttpPublisherOptions = LedgerHttpOptions;

/**
 * Publishes over HTTP. Every event carries its own id, so a retry after a timeout or a dropped
 * connection is safe: the ledger stores it once and answers a repeat with the original position.
 * Retries as LedgerHttp does; a refusal is thrown as PublishRejectedError.
 */
export class HttpPublisher {
  private readonly http: LedgerHttp;

  constructor(options: HttpPublisherOptions) {
    this.http = new LedgerHttp(options);
  }

  publish(event: AnyVersionEventInput): Promise<Accepted> {
    return this.http.request<Accepted>('POST', '/v1/events', event);
  }

  /** Each event is accepted or rejected on its own; see `results`. */
  publishBatch(events: readonly AnyVersionEventInput[]): Promise<BatchResult> {
    return this.http.request<BatchResult>('POST', '/v1/events/batch', { events });
  }
}
