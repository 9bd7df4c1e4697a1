export interface RetryOptions {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Delay before the second attempt; doubles each time, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Whether an error is worth another attempt; others are thrown at once. */
  readonly retriable: (error: unknown) => boolean;
  /** A delay the failure itself asks for (an HTTP Retry-After), instead of the backoff. */
  readonly delayFor?: (error: unknown) => number | undefined;
  readonly signal?: AbortSignal;
}

/** Exponential backoff with full jitter: a random delay up to the capped exponential. */
export const backoffDelay = (attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number =>
  Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));

/** The one retry helper: runs `work` until it succeeds, fails with a non-retriable error, or runs out of attempts. */
export const withRetry = async <T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.retriable(error) || options.signal?.aborted) throw error;
      const delay = options.delayFor?.(error) ?? backoffDelay(attempt, options.baseDelayMs, options.maxDelayMs);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
};
