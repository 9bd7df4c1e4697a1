import { backoffDelay } from '../retry.ts';
import type { RecordedEvent, Subscription } from './types.ts';

export interface FollowOptions {
  /** The last position already handled: following starts after it. */
  readonly after: number;
  /** Opens a catch-up subscription after a position. */
  readonly subscribe: (after: number) => Subscription;
  /** Handles one event; a retriable error thrown here is waited out like one from reading. */
  readonly handle: (event: RecordedEvent) => Promise<void> | void;
  readonly onRetry?: (error: unknown, after: number, attempt: number) => void;
}

export interface Follower {
  /** Settles when following ends: after close(), or with a non-retriable error. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/**
 * Follows the log, event by event. A retriable failure (the store or the key store out of reach)
 * is waited out with backoff, and following resumes after the last event handled: nothing is
 * skipped, nothing handled twice.
 */
export const followLog = (options: FollowOptions): Follower => {
  let current: Subscription | undefined;
  let closed = false;
  const run = async (): Promise<void> => {
    let after = options.after;
    for (let attempt = 1; !closed; attempt++) {
      current = options.subscribe(after);
      try {
        // A page at a time: a handler done synchronously costs no turn, nor a promise per event.
        for await (const page of current.pages()) {
          for (const event of page) {
            if (closed) return;
            const handling = options.handle(event);
            if (handling) await handling;
            after = event.globalPosition;
            attempt = 1;
          }
        }
        return;
      } catch (error) {
        if (closed || (error as { retriable?: unknown }).retriable !== true) throw error;
        options.onRetry?.(error, after, attempt);
        await current.close().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, 200, 5000)));
      }
    }
  };
  const done = run();
  return {
    done,
    async close() {
      closed = true;
      await current?.close();
      await done;
    },
  };
};
