import { DatabaseSync } from 'node:sqlite';
import { createPrivateFile } from './privateFiles.ts';

/** How long a connection waits for another's lock before SQLite answers SQLITE_BUSY, unless told otherwise. */
export const BUSY_TIMEOUT_MS = 10_000;

export const isSqliteBusy = (error: unknown): boolean => /database is locked|SQLITE_BUSY/i.test((error as Error).message);

export interface SqliteFileOptions {
  /**
   * SQLite's own wait for another connection's lock (PRAGMA busy_timeout), and the longest the setup
   * is retried (default BUSY_TIMEOUT_MS). 0: no wait, for callers that retry asynchronously.
   */
  readonly busyTimeoutMs?: number;
  /**
   * Bytes per page when this open creates the file. A file keeps the page size it was made with
   * (SQLite cannot change a WAL file's), so it is set before the setup's first statement.
   */
  readonly pageSize?: number;
  /** Pragmas and CREATE ... IF NOT EXISTS, run on every open. */
  readonly setup: (db: DatabaseSync) => void;
}

const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Opens (and creates, with its folder, readable by their owner only: see privateFiles.ts) a SQLite
 * file and runs its setup, retrying the setup while the file is locked. SQLite answers SQLITE_BUSY
 * at once, without its busy handler, when connections in several processes switch a new file to
 * WAL together or upgrade a read lock another holds: the first opens of a new ledger by a service
 * and a CLI command (or a test) at the same moment.
 */
export const openSqliteFile = (path: string, options: SqliteFileOptions): DatabaseSync => {
  // ':memory:' and '' (a temporary database) are no file of ours to create.
  if (path !== ':memory:' && path !== '') createPrivateFile(path);
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  const db = new DatabaseSync(path, { timeout: busyTimeoutMs });
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if (options.pageSize !== undefined) db.exec(`PRAGMA page_size = ${options.pageSize}`);
      options.setup(db);
      return db;
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      if (!isSqliteBusy(error) || Date.now() >= deadline) {
        db.close();
        throw error;
      }
      pause(Math.min(100, 5 * attempt));
    }
  }
};
