import type { AnyVersionEventInput, EventType } from '@roc-ledger/events';
import { LedgerHttp, type LedgerHttpOptions } from './transport.ts';

/** An event as the log holds it: the producer's envelope with the ledger's fields, personal values withheld. */
export type LoggedEvent = AnyVersionEventInput & { globalPosition: number; streamId: string; streamRevision: number; recordedAt: string; hash: string };

export interface LogCut {
  /** Only these event types (every type without). */
  readonly types?: readonly EventType[];
  /** Only events that happened by then (valid time): YYYY-MM-DD or an ISO-8601 time with an offset. */
  readonly asOf?: string;
  /** Only events the ledger had recorded by then (transaction time). */
  readonly knownAt?: string;
}

export interface LogPage {
  readonly events: LoggedEvent[];
  /** What to ask after next. */
  readonly next: number;
  readonly head: number;
  /** The page reached the head: what is appended later comes from `next` on. */
  readonly caughtUp: boolean;
}

/**
 * Reads the log over HTTP (GET /v1/events, a key with the read scope), every personal value
 * withheld: for a warehouse or a service that follows the log. Retries as the publisher does;
 * reads are safe to repeat.
 */
export class LogReader {
  private readonly http: LedgerHttp;

  constructor(options: LedgerHttpOptions) {
    this.http = new LedgerHttp(options);
  }

  /** One page: up to `limit` (1-5,000, default 1,000) events after `after`. */
  page(options: LogCut & { after?: number; limit?: number } = {}): Promise<LogPage> {
    const query = new URLSearchParams({ after: String(options.after ?? 0), limit: String(options.limit ?? 1000) });
    if (options.types) query.set('types', options.types.join(','));
    if (options.asOf) query.set('asOf', options.asOf);
    if (options.knownAt) query.set('knownAt', options.knownAt);
    return this.http.request<LogPage>('GET', `/v1/events?${query}`);
  }

  /**
   * Every event after `after`, page by page, until a page reaches the head. To follow the log,
   * call again later after the last position seen (`onPage` is told each page's `next`).
   */
  async *events(options: LogCut & { after?: number; pageSize?: number; onPage?: (page: LogPage) => void } = {}): AsyncGenerator<LoggedEvent> {
    let after = options.after ?? 0;
    for (;;) {
      const page = await this.page({ ...options, after, ...(options.pageSize ? { limit: options.pageSize } : {}) });
      options.onPage?.(page);
      yield* page.events;
      if (page.caughtUp) return;
      after = page.next;
    }
  }
}
