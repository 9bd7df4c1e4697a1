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

/**
 * Runs every write queued in the same turn of the event loop in one transaction, then commits
 * once: one fsync acknowledges them all. A write must leave nothing behind when it throws (the
 * append rules throw before writing, and an insert undoes its own rows), so it fails alone. No
 * savepoints: inside a large transaction each one makes SQLite copy every page it then touches.
 * A write that cannot undo itself, or a failed COMMIT, fails the whole group.
 */
export class GroupCommitter {
  private queue: Pending<unknown>[] = [];
  private scheduled = false;
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Pending<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits whatever is queued now. Also called by close(). */
  flush(): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;

    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (cause) {
      for (const item of group) item.reject(new StoreUnavailableError('could not start a write transaction', cause));
      return;
    }
    let poisoned: unknown;
    for (const item of group) {
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
    try {
      if (poisoned) throw poisoned;
      this.db.exec('COMMIT');
    } catch (cause) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // The transaction is already gone; nothing more to undo.
      }
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
