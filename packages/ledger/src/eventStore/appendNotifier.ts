/**
 * Wakes live subscriptions. Appends in this process notify at once; a poll picks up appends
 * made by other processes on the same store.
 */
export class AppendNotifier {
  private waiters = new Set<() => void>();
  private readonly headPosition: () => Promise<number>;
  private readonly pollIntervalMs: number;

  constructor(headPosition: () => Promise<number>, pollIntervalMs = 250) {
    this.headPosition = headPosition;
    this.pollIntervalMs = pollIntervalMs;
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  async waitForAppend(after: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if ((await this.headPosition()) > after) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, this.pollIntervalMs);
        signal.addEventListener('abort', done, { once: true });
        this.waiters.add(done);
      });
    }
  }
}
