import type { DatabaseSync } from 'node:sqlite';
import { StoreUnavailableError } from '@roc-ledger/ledger';

interface Pending<T> {
  readonly work: () => T;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A write that could not undo what it wrote: the transaction cannot be committed, and the whole
 * group fails without anything acknowledged.
 */
export class TransactionPoisonedError extends Error {}

/** Told when a group's transaction begins and how it ends (the store's view of the log follows them). */
export interface TransactionHooks {
  begun?(): void;
  ended?(committed: boolean): void;
}

/** How long one transaction's writes may run before it commits and lets the event loop in. */
export const GROUP_BUDGET_MS = 25;

/**
 * Runs every write queued in the same turn of the event loop in one transaction, then commits
 * once: one fsync acknowledges them all. A group that outlasts its time budget (a consumer's
 * batch of thousands) commits what it has run and leaves the rest to the next turn, so that
 * timers and requests are not held up for the whole queue. A write must leave nothing behind when it throws (the
 * append rules throw before writing, and an insert undoes its own rows), so it fails alone. No
 * savepoints: inside a large transaction each one makes SQLite copy every page it then touches.
 * A write that cannot undo itself, or a failed COMMIT, fails every write of its transaction; the
 * writes queued after it run in the next.
 */
export class GroupCommitter {
  private queue: Pending<unknown>[] = [];
  private scheduled = false;
  private readonly db: DatabaseSync;
  private readonly budgetMs: number;
  private readonly hooks: TransactionHooks;

  constructor(db: DatabaseSync, budgetMs = GROUP_BUDGET_MS, hooks: TransactionHooks = {}) {
    this.db = db;
    this.budgetMs = budgetMs;
    this.hooks = hooks;
  }

  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Pending<unknown>);
      this.schedule();
    });
  }

  /** Commits whatever is queued now, in as many transactions as the budget makes it. Called by close(). */
  flushAll(): void {
    while (this.queue.length > 0) this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
      if (this.queue.length > 0) this.schedule();
    });
  }

  /** Commits the writes queued first, as many as run within the budget. */
  private flush(): void {
    const queued = this.queue;
    if (queued.length === 0) return;
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.hooks.begun?.();
    } catch (cause) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.queue = [];
      for (const item of queued) item.reject(new StoreUnavailableError('could not start a write transaction', cause));
      return;
    }
    let poisoned: unknown;
    const started = performance.now();
    for (const item of queued) {
      if (outcomes.length > 0 && performance.now() - started >= this.budgetMs) break;
      try {
        outcomes.push({ ok: true, value: item.work() });
      } catch (error) {
        if (error instanceof TransactionPoisonedError) {
          poisoned = error;
          break;
        }
        outcomes.push({ ok: false, error });
      }
    }
    // What did not run waits for the next group; a poisoned group ends at the write that poisoned it.
    const group = queued.splice(0, poisoned ? outcomes.length + 1 : outcomes.length);
    try {
      if (poisoned) throw poisoned;
      this.db.exec('COMMIT');
      this.hooks.ended?.(true);
    } catch (cause) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // The transaction is already gone; nothing more to undo.
      }
      this.hooks.ended?.(false);
      for (const item of group) item.reject(new StoreUnavailableError('commit failed; nothing of this append was stored', cause));
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
