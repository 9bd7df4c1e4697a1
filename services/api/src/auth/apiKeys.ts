import { hash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unwatchFile, watchFile, writeFileSync, type Stats } from 'node:fs';
import { z } from 'zod';
import { CHANNELS } from '@roc-ledger/events';
import { ApiErrorCode, HttpError } from '../errors.ts';

export const SCOPES = ['read', 'audit', 'admin', ...CHANNELS.map((c) => `ingest:${c}` as const)] as const;
export type Scope = (typeof SCOPES)[number];

/** A key as configured: never the key itself, only its SHA-256 (keys are 32 random bytes, so a fast hash suffices). */
export const ApiKeyRecord = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  name: z.string().min(1).max(200),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(z.enum(SCOPES)).min(1),
});
export type ApiKeyRecord = z.infer<typeof ApiKeyRecord>;

const KeysFile = z.strictObject({ keys: z.array(ApiKeyRecord) });

// One-shot hash: every request is authenticated, and building a Hash object costs several times the hashing.
export const hashKey = (key: string): string => hash('sha256', key, 'hex');

/** A new key: shown once to its owner; only the record (with the hash) is stored. */
export const createApiKey = (id: string, name: string, scopes: Scope[]): { key: string; record: ApiKeyRecord } => {
  const key = `rlk_${id}_${randomBytes(32).toString('base64url')}`;
  return { key, record: ApiKeyRecord.parse({ id, name, sha256: hashKey(key), scopes }) };
};

/** Keys from ROC_LEDGER_API_KEYS (the JSON of a keys file), else from the keys file if it exists. */
export const loadApiKeys = (file: string, env: NodeJS.ProcessEnv = process.env): ApiKeyRecord[] => {
  const source = env.ROC_LEDGER_API_KEYS ? { text: env.ROC_LEDGER_API_KEYS, where: 'ROC_LEDGER_API_KEYS' } : existsSync(file) ? { text: readFileSync(file, 'utf8'), where: file } : undefined;
  if (!source) return [];
  try {
    return KeysFile.parse(JSON.parse(source.text)).keys;
  } catch (error) {
    throw new HttpError(500, ApiErrorCode.invalidApiKeys, `${source.where} is not a valid API keys document: ${(error as Error).message}`);
  }
};

export interface Principal {
  readonly keyId: string;
  readonly scopes: ReadonlySet<Scope>;
  /** Channels this key may publish; every channel for admin. */
  readonly channels: readonly string[];
}

const principalOf = (record: ApiKeyRecord): Principal => {
  const scopes = new Set(record.scopes);
  const channels = scopes.has('admin') ? [...CHANNELS] : record.scopes.filter((s) => s.startsWith('ingest:')).map((s) => s.slice('ingest:'.length));
  return { keyId: record.id, scopes, channels };
};

const byHashOf = (records: readonly ApiKeyRecord[]): Map<string, Principal> => new Map(records.map((r) => [r.sha256, principalOf(r)]));

export class ApiKeyRing {
  /** Each key's principal by the key's hash, made once. */
  private byHash: Map<string, Principal>;

  constructor(records: readonly ApiKeyRecord[]) {
    this.byHash = byHashOf(records);
  }

  /** Takes a new set of keys at once: every request authenticated from now on sees only these. */
  replace(records: readonly ApiKeyRecord[]): void {
    this.byHash = byHashOf(records);
  }

  get size(): number {
    return this.byHash.size;
  }

  authenticate(key: string): Principal | undefined {
    return this.byHash.get(hashKey(key));
  }
}

/**
 * Writes a keys file whole, by renaming a finished copy over it: a service reading it (see
 * followApiKeysFile) sees the old keys or the new, never half a file. Readable by the owner only.
 */
export const writeApiKeysFile = (file: string, records: readonly ApiKeyRecord[]): void => {
  const next = `${file}.${process.pid}.tmp`;
  writeFileSync(next, `${JSON.stringify(KeysFile.parse({ keys: records }), null, 2)}\n`, { mode: 0o600 });
  renameSync(next, file);
};

export interface KeysFileEvents {
  /** The file changed and its keys now authenticate (0 when it was deleted). */
  reloaded(keys: number): void;
  /** The file changed but is not a valid keys document: the keys in use stay as they were. */
  invalid(error: Error): void;
}

/**
 * Keeps a running service's keys in step with its keys file, so that a key created or revoked
 * (`roc-ledger keys create|revoke`) counts without a restart. Polls the file's status every
 * `intervalMs` (a rename over the file, as writeApiKeysFile does, is seen where an fs.watch on
 * the old file would not be); never keeps the process alive. Returns how to stop following.
 */
export const followApiKeysFile = (file: string, ring: ApiKeyRing, events: KeysFileEvents, intervalMs = 1000): (() => void) => {
  const changed = (now: Stats, before: Stats) => {
    if (now.mtimeMs === before.mtimeMs && now.ino === before.ino && now.size === before.size) return;
    let records: ApiKeyRecord[];
    try {
      records = loadApiKeys(file, {});
    } catch (error) {
      events.invalid(error as Error);
      return;
    }
    ring.replace(records);
    events.reloaded(records.length);
  };
  watchFile(file, { interval: intervalMs, persistent: false }, changed);
  return () => unwatchFile(file, changed);
};
