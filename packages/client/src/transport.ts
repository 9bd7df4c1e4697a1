import { RocLedgerError, type Problem } from '@roc-ledger/events';
import { withRetry } from '@roc-ledger/ledger';

export type { Problem };

export const ClientErrorCode = {
  rejected: 'CLIENT_ERR_REJECTED',
  unavailable: 'CLIENT_ERR_UNAVAILABLE',
} as const;

/** The ledger refused the request (a 4xx other than 429): sending the same again will not help. */
export class LedgerRejectedError extends RocLedgerError {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(ClientErrorCode.rejected, `${problem.code}: ${problem.detail}`);
    this.problem = problem;
  }
}

/** The ledger could not be reached or was unavailable for every attempt. Safe to retry later. */
export class LedgerUnavailableError extends RocLedgerError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(ClientErrorCode.unavailable, message, { retriable: true, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

export interface LedgerHttpOptions {
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
 * Requests to the ledger's API with the key, each attempt bounded by a timeout. Retries timeouts,
 * connection errors, 429 and 5xx (honouring Retry-After) with backoff and jitter; any other 4xx is
 * final, thrown as LedgerRejectedError with the ledger's problem. Only for requests that are safe
 * to repeat: reads, and publishing events, which carry their own ids.
 */
export class LedgerHttp {
  private readonly options: Required<Omit<LedgerHttpOptions, 'fetch'>> & { fetch: typeof fetch };

  constructor(options: LedgerHttpOptions) {
    this.options = { timeoutMs: 5000, attempts: 6, baseDelayMs: 100, maxDelayMs: 5000, fetch: globalThis.fetch, ...options, baseUrl: options.baseUrl.replace(/\/$/, '') };
  }

  request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return withRetry(() => this.attempt<T>(method, path, payload), {
      attempts: this.options.attempts,
      baseDelayMs: this.options.baseDelayMs,
      maxDelayMs: this.options.maxDelayMs,
      retriable: (error) => error instanceof LedgerUnavailableError,
      delayFor: (error) => (error as LedgerUnavailableError).retryAfterMs,
    });
  }

  private async attempt<T>(method: 'GET' | 'POST', path: string, payload: string | undefined): Promise<T> {
    let response: Response;
    try {
      response = await this.options.fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${this.options.apiKey}` },
        ...(payload === undefined ? {} : { body: payload }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      throw new LedgerUnavailableError(`no answer from ${this.options.baseUrl}${path}: ${(cause as Error).message}`, { cause });
    }
    if (response.ok) return (await response.json()) as T;
    const problem = (await response.json().catch(() => ({ status: response.status, code: 'HTTP_ERR_UNKNOWN', detail: response.statusText }))) as Problem;
    if (response.status === 429 || response.status >= 500) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new LedgerUnavailableError(`${response.status} ${problem.code}: ${problem.detail}`, Number.isFinite(retryAfter) && response.headers.has('retry-after') ? { retryAfterMs: retryAfter * 1000 } : {});
    }
    throw new LedgerRejectedError(problem);
  }
}
