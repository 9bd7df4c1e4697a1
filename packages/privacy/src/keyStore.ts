/** A customer's key, or the mark that it was destroyed. */
export type KeyState = Buffer | 'destroyed';

/**
 * Where per-customer keys live, apart from the log. Every method throws
 * KeyStoreUnavailableError when the store cannot be reached, so callers fail closed.
 */
export interface KeyStore {
  /** The state of each key asked for; ids with no key at all are absent from the map. */
  get(keyIds: readonly string[]): Promise<Map<string, KeyState>>;
  /** The key, created (durably, before this resolves) when there is none; 'destroyed' if it was destroyed. */
  getOrCreate(keyId: string): Promise<KeyState>;
  /** Destroys the keys (and keeps the mark that they were). Returns the ids destroyed by this call. */
  destroy(keyIds: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}
