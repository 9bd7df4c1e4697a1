import { chainHash, GENESIS_HASH } from '../eventStore/recordCodec.ts';
import type { StoredRecord } from '../eventStore/types.ts';
import type { LogDigest } from './digest.ts';

export type VerifyFailureKind =
  | 'missing-event'
  | 'unexpected-position'
  | 'hash-mismatch'
  | 'body-mismatch'
  | 'stream-revision-gap'
  | 'recorded-at-regression'
  | 'digest-mismatch'
  | 'truncated';

export interface VerifyFailure {
  /** The first global position that does not check out. */
  readonly position: number;
  readonly kind: VerifyFailureKind;
  readonly reason: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checked: number;
  readonly head: { readonly position: number; readonly hash: string };
  readonly failure?: VerifyFailure;
}

interface HashedBody {
  globalPosition?: unknown;
  streamId?: unknown;
  streamRevision?: unknown;
  recordedAt?: unknown;
  eventId?: unknown;
  type?: unknown;
}

const columnsAgree = (record: StoredRecord, body: HashedBody): string | undefined => {
  const pairs: [string, unknown, unknown][] = [
    ['globalPosition', record.globalPosition, body.globalPosition],
    ['streamId', record.streamId, body.streamId],
    ['streamRevision', record.streamRevision, body.streamRevision],
    ['recordedAt', record.recordedAt, body.recordedAt],
    ['eventId', record.eventId, body.eventId],
    ['type', record.type, body.type],
  ];
  const bad = pairs.find(([, column, hashed]) => column !== hashed);
  return bad && `stored ${bad[0]} ${JSON.stringify(bad[1])} differs from the hashed event's ${JSON.stringify(bad[2])}`;
};

/**
 * Walks the log from the first event and names the first position that does not check out:
 * a gap or out-of-order position (deleted, inserted or reordered rows), a hash that does not
 * chain (altered bytes), columns that disagree with the hashed bytes, a stream revision gap,
 * transaction time running backwards. Given an earlier digest, also proves the log still
 * contains it unchanged (not rewritten, not truncated). Rejects with the signal's reason once it is aborted.
 */
export const verifyLog = async (records: AsyncIterable<StoredRecord>, against?: LogDigest, signal?: AbortSignal): Promise<VerifyResult> => {
  let expectedPosition = 1;
  let previousHash = GENESIS_HASH;
  let previousRecordedAt = '';
  const streamRevisions = new Map<string, number>();
  let checked = 0;

  const failed = (position: number, kind: VerifyFailureKind, reason: string): VerifyResult => ({
    ok: false,
    checked,
    head: { position: expectedPosition - 1, hash: previousHash },
    failure: { position, kind, reason },
  });

  for await (const record of records) {
    // Stopped (the service shuts down): no result, rather than one for part of the log.
    signal?.throwIfAborted();
    const position = expectedPosition;
    if (record.globalPosition > position) return failed(position, 'missing-event', `event ${position} is missing: the next stored event is at ${record.globalPosition}`);
    if (record.globalPosition !== position) return failed(position, 'unexpected-position', `expected position ${position}, found ${record.globalPosition}`);

    if (chainHash(previousHash, record.body) !== record.hash) {
      return failed(position, 'hash-mismatch', `the stored bytes at ${position} do not hash to the chain (altered, inserted or reordered)`);
    }
    let body: HashedBody;
    try {
      body = JSON.parse(record.body) as HashedBody;
    } catch {
      return failed(position, 'body-mismatch', `the stored bytes at ${position} are not JSON`);
    }
    const disagreement = columnsAgree(record, body);
    if (disagreement) return failed(position, 'body-mismatch', `at ${position}: ${disagreement}`);

    const expectedRevision = (streamRevisions.get(record.streamId) ?? -1) + 1;
    if (record.streamRevision !== expectedRevision) {
      return failed(position, 'stream-revision-gap', `stream ${record.streamId} jumps to revision ${record.streamRevision} at ${position}; expected ${expectedRevision}`);
    }
    if (record.recordedAt < previousRecordedAt) {
      return failed(position, 'recorded-at-regression', `recordedAt ${record.recordedAt} at ${position} is earlier than ${previousRecordedAt} before it`);
    }
    if (against && position === against.position && record.hash !== against.hash) {
      return failed(position, 'digest-mismatch', `history rewritten: the hash at ${position} is not the one in the digest (${against.hash.slice(0, 12)}…)`);
    }

    streamRevisions.set(record.streamId, record.streamRevision);
    previousRecordedAt = record.recordedAt;
    previousHash = record.hash;
    expectedPosition = position + 1;
    checked++;
  }

  if (against && against.position > expectedPosition - 1) {
    return failed(expectedPosition, 'truncated', `log ends at ${expectedPosition - 1}, but the digest covers up to ${against.position}`);
  }
  if (against && against.position === 0 && against.hash !== GENESIS_HASH) {
    return failed(0, 'digest-mismatch', 'the digest of an empty log must carry the genesis hash');
  }
  return { ok: true, checked, head: { position: expectedPosition - 1, hash: previousHash } };
};
