import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
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
export const getFileKeyStore = (options: FileKeyStoreOptions): KeyStore => {
  let db: DatabaseSync | undefined;
  const open = (): DatabaseSync => {
    if (db) return db;
    mkdirSync(dirname(options.path), { recursive: true });
    // No busy wait inside SQLite: it would block the event loop. A locked file is retried below.
    const opened = new DatabaseSync(options.path, { timeout: 0 });
    opened.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA secure_delete = ON;
      CREATE TABLE IF NOT EXISTS customer_keys (
        key_id TEXT PRIMARY KEY,
        key BLOB,
        created_at TEXT NOT NULL,
        destroyed_at TEXT
      ) STRICT;
    `);
    return (db = opened);
  };
  const run = <T>(what: string, work: (db: DatabaseSync) => T): Promise<T> =>
    whenUnlocked(open, work, options.busyTimeoutMs ?? 2000, (cause) => new KeyStoreUnavailableError(`${what} at ${options.path}: ${(cause as Error).message}`, cause));
  const stateOf = (row: { key: Uint8Array | null }): KeyState => (row.key === null ? 'destroyed' : Buffer.from(row.key));

  /** Checkpoints the write-ahead log into the file and empties it; a reader in another process can hold that back a moment. */
  const truncateLog = async (): Promise<void> => {
    for (let attempt = 0; attempt < 80; attempt++) {
      const result = await run('truncating the write-ahead log', (db) => db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number });
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
      const states = await run('creating keys', (db) =>
        inWriteTransaction(db, () => {
          const insert = db.prepare('INSERT INTO customer_keys (key_id, key, created_at) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING');
          const select = db.prepare('SELECT key FROM customer_keys WHERE key_id = ?');
          const now = new Date().toISOString();
          return new Map([...batch.keys()].map((id) => {
            insert.run(id, randomBytes(KEY_BYTES), now);
            return [id, stateOf(select.get(id) as { key: Uint8Array | null })] as const;
          }));
        }),
      );
      for (const [id, waiting] of batch) for (const w of waiting) w.resolve(states.get(id)!);
    } catch (error) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
    }
  };

  return {
    async get(keyIds) {
      return run('reading keys', (db) => {
        const found = new Map<string, KeyState>();
        const select = db.prepare('SELECT key_id, key FROM customer_keys WHERE key_id = ?');
        for (const id of new Set(keyIds)) {
          const row = select.get(id) as { key_id: string; key: Uint8Array | null } | undefined;
          if (row) found.set(id, stateOf(row));
        }
        return found;
      });
    },
    async getOrCreate(keyId) {
      const existing = await run('reading a key', (db) => db.prepare('SELECT key FROM customer_keys WHERE key_id = ?').get(keyId) as { key: Uint8Array | null } | undefined);
      if (existing) return stateOf(existing);
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
      return run('destroying keys', (db) => {
        const now = new Date().toISOString();
        const destroyed: string[] = [];
        inWriteTransaction(db, () => {
          for (const id of new Set(keyIds)) {
            const row = db.prepare('SELECT key FROM customer_keys WHERE key_id = ?').get(id) as { key: Uint8Array | null } | undefined;
            if (row?.key === null) continue;
            // A customer with no key yet is marked too, so that nothing personal can be sealed for them later.
            db.prepare('INSERT INTO customer_keys (key_id, key, created_at, destroyed_at) VALUES (?, NULL, ?, ?) ON CONFLICT (key_id) DO UPDATE SET key = NULL, destroyed_at = excluded.destroyed_at').run(id, now, now);
            destroyed.push(id);
          }
        });
        return destroyed;
      }).then(async (destroyed) => {
        await truncateLog();
        return destroyed;
      });
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
};
