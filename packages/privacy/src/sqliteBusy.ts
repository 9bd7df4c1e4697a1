import type { DatabaseSync } from 'node:sqlite';
import { isSqliteBusy } from '@roc-ledger/store-sqlite';

/**
 * Runs synchronous SQLite work, waiting out a lock held by another process with async polls
 * (a busy timeout inside SQLite would block the event loop). Other errors, and a lock that
 * outlasts the deadline, go to `fail`.
 */
export const whenUnlocked = async <R, T>(open: () => R, work: (opened: R) => T, timeoutMs: number, fail: (cause: unknown) => Error): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return work(open());
    } catch (cause) {
      if (!isSqliteBusy(cause) || Date.now() >= deadline) throw fail(cause);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
};

/** Runs `work` in an immediate (write-locking) transaction: all of it or none. */
export const inWriteTransaction = <T>(db: DatabaseSync, work: () => T): T => {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
};
