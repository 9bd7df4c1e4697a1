import { randomBytes } from 'node:crypto';
import { openSqliteFile } from '@roc-ledger/store-sqlite';
import { KeyStoreUnavailableError } from './errors.ts';
import type { KeyState, KeyStore } from './keyStore.ts';
import { inWriteTransaction, whenUnlocked } from './sqliteBusy.ts';

export interface FileKeyStoreOptions {
  /** The key file (SQLite); keep it apart from the log's backups, or erasure can be undone by a restore. */
  readonly path: string;
  /** How long a call waits for a lock held by another process before it fails (default 2 s). */
  readonly busyTimeoutMs?: number;
}

const KEY_BYTES = 32;

/**
 * The default key store: one local SQLite file in WAL mode (one fsync per commit, and readers never
 * wait for a writer). Keys are written durably (synchronous=FULL) before an event sealed with them
 * is stored; keys for new customers asked for in the same turn share one transaction. Destroyed
 * keys are overwritten in the file (secure_delete), and the write-ahead log, which still holds the
 * pages as they were, is checkpointed and truncated before `destroy` returns.
 */
const openKeyFile = (path: string) => {
  // No busy wait inside SQLite: it would block the event loop. A locked file is retried by the caller.
  const db = openSqliteFile(path, { busyTimeoutMs: 0, setup: (opened) => opened.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA secure_delete = ON;
    CREATE TABLE IF NOT EXISTS customer_keys (
      key_id TEXT PRIMARY KEY,
      key BLOB,
      created_at TEXT NOT NULL,
      destroyed_at TEXT
    ) STRICT;
  `) });
  const select = db.prepare('SELECT key FROM customer_keys WHERE key_id = ?');
  const selectMany = db.prepare('SELECT key_id, key FROM customer_keys WHERE key_id IN (SELECT value FROM json_each(?))');
  selectMany.setReturnArrays(true);
  const create = db.prepare('INSERT INTO customer_keys (key_id, key, created_at) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING');
  // A customer with no key yet is marked too, so that nothing personal can be sealed for them later.
  const markDestroyed = db.prepare('INSERT INTO customer_keys (key_id, key, created_at, destroyed_at) VALUES (?, NULL, ?, ?) ON CONFLICT (key_id) DO UPDATE SET key = NULL, destroyed_at = excluded.destroyed_at');
  return {
    db,
    /** The key's state, or undefined when there is none. */
    stateOf(keyId: string): KeyState | undefined {
      const row = select.get(keyId) as { key: Uint8Array | null } | undefined;
      return row && (row.key === null ? 'destroyed' : Buffer.from(row.key));
    },
    /** The states of several keys in one query (a page of events names hundreds); ids with no key are absent. */
    statesOf(keyIds: readonly string[]): Map<string, KeyState> {
      const rows = selectMany.all(JSON.stringify(keyIds)) as unknown as [string, Uint8Array | null][];
      return new Map(rows.map(([id, key]) => [id, key === null ? 'destroyed' : Buffer.from(key)]));
    },
    create: (keyId: string, now: string) => create.run(keyId, randomBytes(KEY_BYTES), now),
    markDestroyed: (keyId: string, now: string) => markDestroyed.run(keyId, now, now),
  };
};

export const getFileKeyStore = (options: FileKeyStoreOptions): KeyStore => {
  let file: ReturnType<typeof openKeyFile> | undefined;
  const open = () => (file ??= openKeyFile(options.path));
  const run = <T>(what: string, work: (keys: ReturnType<typeof openKeyFile>) => T): Promise<T> =>
    whenUnlocked(open, work, options.busyTimeoutMs ?? 2000, (cause) => new KeyStoreUnavailableError(`${what} at ${options.path}: ${(cause as Error).message}`, cause));

  /** Checkpoints the write-ahead log into the file and empties it; a reader in another process can hold that back a moment. */
  const truncateLog = async (): Promise<void> => {
    for (let attempt = 0; attempt < 80; attempt++) {
      const result = await run('truncating the write-ahead log', ({ db }) => db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number });
      if (result.busy === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new KeyStoreUnavailableError(`the keys are destroyed, but another process kept the write-ahead log of ${options.path} from being emptied; erase again to finish`);
  };

  let pending: Map<string, { resolve: (state: KeyState) => void; reject: (error: unknown) => void }[]> | undefined;
  const createPending = async (): Promise<void> => {
    const batch = pending!;
    pending = undefined;
    try {
      const states = await run('creating keys', (keys) =>
        inWriteTransaction(keys.db, () => {
          const now = new Date().toISOString();
          return new Map([...batch.keys()].map((id) => {
            keys.create(id, now);
            return [id, keys.stateOf(id)!] as const;
          }));
        }),
      );
      for (const [id, waiting] of batch) for (const w of waiting) w.resolve(states.get(id)!);
    } catch (error) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
    }
  };

  return {
    get: (keyIds) =>
      run('reading keys', (keys) => keys.statesOf([...new Set(keyIds)])),
    async getOrCreate(keyId) {
      const existing = await run('reading a key', (keys) => keys.stateOf(keyId));
      if (existing) return existing;
      // New customers' keys asked for in the same turn are written in one transaction (one fsync).
      return new Promise<KeyState>((resolve, reject) => {
        if (!pending) {
          pending = new Map();
          setImmediate(createPending);
        }
        const waiting = pending.get(keyId) ?? [];
        waiting.push({ resolve, reject });
        pending.set(keyId, waiting);
      });
    },
    async destroy(keyIds) {
      const destroyed = await run('destroying keys', (keys) => {
        const now = new Date().toISOString();
        return inWriteTransaction(keys.db, () => {
          const newly: string[] = [];
          for (const id of new Set(keyIds)) {
            if (keys.stateOf(id) === 'destroyed') continue;
            keys.markDestroyed(id, now);
            newly.push(id);
          }
          return newly;
        });
      });
      await truncateLog();
      return destroyed;
    },
    async close() {
      file?.db.close();
      file = undefined;
    },
  };
};
