import type { KeyObject } from 'node:crypto';
import { leafHash, merkleDigestOf, signDigest, storedRecordAt, type EventStore, type MerkleSnapshot, type SignedDigest } from '@roc-ledger/ledger';

/** One event's inclusion proof (RFC 9162) in the tree of the first `size` events, with that tree's signed digest. */
export interface InclusionProofDocument {
  readonly eventId: string;
  readonly position: number;
  /** The leaf's index: position − 1. */
  readonly index: number;
  readonly size: number;
  /** The stored bytes (personal values sealed as stored): the leaf. */
  readonly body: string;
  /** SHA-256 of 0x00 and the body, hex. */
  readonly leafHash: string;
  readonly proof: readonly string[];
  readonly digest: SignedDigest;
}

/** The proof (RFC 9162) that the tree of `second.size` events extends the tree of `first.size`. */
export interface ConsistencyProofDocument {
  readonly first: { readonly size: number; readonly root: string };
  readonly second: SignedDigest;
  readonly proof: readonly string[];
}

/** Not in the tree asked about: a position or size past it. */
export class OutsideTreeError extends RangeError {}

/** The tree of the first `size` events of a snapshot (default: all of it), its digest signed now. */
export const signedTreeAt = async (store: EventStore, merkle: MerkleSnapshot, signingKey: KeyObject, size = merkle.size) => {
  if (!(Number.isSafeInteger(size) && size >= 0 && size <= merkle.size)) throw new OutsideTreeError(`size ${size}: the log holds ${merkle.size} event(s)`);
  const recordedAt = size === merkle.size ? merkle.recordedAt : ((await storedRecordAt(store, size))?.recordedAt ?? null);
  return { tree: merkle.tree, size, digest: signDigest(await merkleDigestOf(merkle.tree, recordedAt, size), signingKey) };
};

export const inclusionProofDocument = async (store: EventStore, merkle: MerkleSnapshot, signingKey: KeyObject, position: number, size?: number): Promise<InclusionProofDocument> => {
  const { tree, size: at, digest } = await signedTreeAt(store, merkle, signingKey, size);
  if (!(Number.isSafeInteger(position) && position >= 1 && position <= at)) throw new OutsideTreeError(`no event at position ${position} among the first ${at}`);
  const record = (await storedRecordAt(store, position))!;
  return { eventId: record.eventId, position, index: position - 1, size: at, body: record.body, leafHash: leafHash(record.body).toString('hex'), proof: await tree.inclusionProof(position - 1, at), digest };
};

export const consistencyProofDocument = async (store: EventStore, merkle: MerkleSnapshot, signingKey: KeyObject, first: number, size?: number): Promise<ConsistencyProofDocument> => {
  const { tree, size: at, digest } = await signedTreeAt(store, merkle, signingKey, size);
  if (!(Number.isSafeInteger(first) && first >= 1 && first <= at)) throw new OutsideTreeError(`first ${first}: must be 1..${at}`);
  return { first: { size: first, root: await tree.root(first) }, second: digest, proof: await tree.consistencyProof(first, at) };
};
