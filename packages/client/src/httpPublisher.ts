import { RocLedgerError, type AnyVersionEventInput, type Problem } from '@roc-ledger/events';
import { withRetry } from '@roc-ledger/ledger';

export type { Problem };

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

export const ClientErrorCode = {
  rejected: 'CLIENT_ERR_REJECTED',
  unavailable: 'CLIENT_ERR_UNAVAILABLE',
} as const;

/** The ledger refused the event (a 4xx): retrying the same bytes will not help. */
export class PublishRejectedError extends RocLedgerError {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(ClientErrorCode.rejected, `${problem.code}: ${problem.detail}`);
    this.problem = problem;
  }
}

/** The ledger could not be reached or was unavailable for every attempt. Safe to retry later. */
export class PublishUnavailableError extends RocLedgerError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(ClientErrorCode.unavailable, message, { retriable: true, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface HttpPublisherOptions {
  /** e.g. http://ledger.internal:8080 */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Per attempt. Default 5 s. */
  readonly timeoutMs?: number;
  /** Attempts in all. Default 6. */
  readonly attempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * Publishes over HTTP. Every event carries its own id, so a retry after a timeout or a dropped
 * connection is safe: the ledger stores it once and answers a repeat with the original position.
 * Retries timeouts, connection errors, 429 and 503 (honouring Retry-After) with backoff and jitter;
 * a 4xx other than 429 is final and thrown as PublishRejectedError.
 */
export class HttpPublisher {
  private readonly options: Required<Omit<HttpPublisherOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(options: HttpPublisherOptions) {
    this.options = { timeoutMs: 5000, attempts: 6, baseDelayMs: 100, maxDelayMs: 5000, fetch: globalThis.fetch, ...options, baseUrl: options.baseUrl.replace(/\/$/, '') };
  }

  publish(event: AnyVersionEventInput): Promise<Accepted> {
    return this.post<Accepted>('/v1/events', event);
  }

  /** Each event is accepted or rejected on its own; see `results`. */
  publishBatch(events: readonly AnyVersionEventInput[]): Promise<BatchResult> {
    return this.post<BatchResult>('/v1/events/batch', { events });
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    const payload = JSON.stringify(body);
    return withRetry(() => this.attempt<T>(path, payload), {
      attempts: this.options.attempts,
      baseDelayMs: this.options.baseDelayMs,
      maxDelayMs: this.options.maxDelayMs,
      retriable: (error) => error instanceof PublishUnavailableError,
      delayFor: (error) => (error as PublishUnavailableError).retryAfterMs,
    });
  }

  private async attempt<T>(path: string, payload: string): Promise<T> {
    let response: Response;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
        body: payload,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      throw new PublishUnavailableError(`no answer from ${this.options.baseUrl}${path}: ${(cause as Error).message}`, { cause });
    }
    if (response.ok) return (await response.json()) as T;
    const problem = (await response.json().catch(() => ({ status: response.status, code: 'HTTP_ERR_UNKNOWN', detail: response.statusText }))) as Problem;
    if (response.status === 429 || response.status >= 500) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new PublishUnavailableError(`${response.status} ${problem.code}: ${problem.detail}`, Number.isFinite(retryAfter) && response.headers.has('retry-after') ? { retryAfterMs: retryAfter * 1000 } : {});
    }
    throw new PublishRejectedError(problem);
  }
}
