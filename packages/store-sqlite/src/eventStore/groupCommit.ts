import type { DatabaseSync } from 'node:sqlite';
import { StoreUnavailableError } from '@roc-ledger/ledger';

interface Pending<T> {
  readonly work: () => T;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs every write queued in the same turn of the event loop in one transaction, each in
 * its own savepoint, then commits once: one fsync acknowledges them all. A write that throws
 * rolls back to its savepoint and fails alone; a failed COMMIT fails the whole group, and
 * nothing of it is acknowledged.
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
    for (const item of group) {
      this.db.exec('SAVEPOINT one_append');
      try {
        outcomes.push({ ok: true, value: item.work() });
        this.db.exec('RELEASE one_append');
      } catch (error) {
        this.db.exec('ROLLBACK TO one_append; RELEASE one_append');
        outcomes.push({ ok: false, error });
      }
    }
    try {
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
