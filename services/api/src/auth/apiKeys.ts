import { hash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
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

export class ApiKeyRing {
  /** Each key's principal by the key's hash, made once. */
  private readonly byHash: Map<string, Principal>;

  constructor(records: readonly ApiKeyRecord[]) {
    this.byHash = new Map(records.map((r) => [r.sha256, principalOf(r)]));
  }

  get size(): number {
    return this.byHash.size;
  }

  authenticate(key: string): Principal | undefined {
    return this.byHash.get(hashKey(key));
  }
}
