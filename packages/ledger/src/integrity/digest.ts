import { InvalidArgumentError, LedgerErrorCode } from '../errors/index.ts';
import type { LogHead } from '../eventStore/types.ts';

export const DIGEST_ALGORITHM = 'sha256-chain-v1';

/** What an auditor keeps: the head of the chain at a moment. Any later log must contain it unchanged. */
export interface LogDigest {
  readonly algorithm: typeof DIGEST_ALGORITHM;
  readonly position: number;
  readonly hash: string;
  readonly recordedAt: string | null;
}

export const digestOf = (head: LogHead): LogDigest => ({
  algorithm: DIGEST_ALGORITHM,
  position: head.position,
  hash: head.hash,
  recordedAt: head.recordedAt,
});

/** Accepts the JSON that `roc-ledger digest` prints, or the short form `<position>:<hash>`. */
export const parseDigest = (text: string): LogDigest => {
  const trimmed = text.trim();
  const short = /^(\d+):([0-9a-f]{64})$/.exec(trimmed);
  if (short) return { algorithm: DIGEST_ALGORITHM, position: Number(short[1]), hash: short[2]!, recordedAt: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw invalid('neither JSON nor <position>:<hash>');
  }
  const { algorithm, position, hash, recordedAt } = (parsed ?? {}) as Record<string, unknown>;
  if (algorithm !== DIGEST_ALGORITHM) throw invalid(`algorithm must be ${DIGEST_ALGORITHM}, got ${JSON.stringify(algorithm)}`);
  if (!Number.isSafeInteger(position) || (position as number) < 0) throw invalid('position must be a non-negative integer');
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw invalid('hash must be 64 lowercase hex digits');
  return { algorithm: DIGEST_ALGORITHM, position: position as number, hash, recordedAt: typeof recordedAt === 'string' ? recordedAt : null };
};

const invalid = (why: string) => new InvalidArgumentError(LedgerErrorCode.invalidDigest, `invalid digest: ${why}`);
