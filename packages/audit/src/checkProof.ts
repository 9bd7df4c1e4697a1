import { keyIdOf, verifyConsistency, verifyDigestSignature, verifyInclusion, decodeRecord, leafHash, type SignedDigest } from '@roc-ledger/ledger';
import type { KeyObject } from 'node:crypto';
import { checker, type CheckResult } from './check.ts';
import type { ConsistencyProofDocument, InclusionProofDocument } from './proofs.ts';

const signatureHolds = (digest: SignedDigest | undefined, key: KeyObject): boolean => {
  try {
    return digest !== undefined && verifyDigestSignature(digest, key);
  } catch {
    return false;
  }
};

/**
 * Checks an event's inclusion proof offline, against the ledger's public key (a proof cannot
 * vouch for its own key): the digest's signature, that the leaf hash is the stored bytes', that
 * those bytes are the event at the position said, and that the proof leads from them to the root.
 */
export const checkInclusionProof = (document: InclusionProofDocument, key: KeyObject): CheckResult => {
  const { note, result } = checker();
  const { digest } = document;
  note('digest signature', signatureHolds(digest, key), `the signature over the digest (size ${digest?.size}, root ${digest?.root}) does not verify with the pinned key ${keyIdOf(key)}`);
  note('leaf hash is the stored bytes\'', typeof document.body === 'string' && leafHash(document.body).toString('hex') === document.leafHash, 'the leaf hash is not SHA-256 of 0x00 and the body given');
  let event: { globalPosition: number; eventId: string } | undefined;
  try {
    event = decodeRecord(document.body, '');
  } catch (error) {
    note('the stored bytes are an event', false, `they do not decode: ${(error as Error).message}`);
  }
  if (event) note(`the event at position ${document.position}`, event.globalPosition === document.position && event.eventId === document.eventId && document.index === document.position - 1, `the stored bytes say event ${event.eventId} at position ${event.globalPosition}; the proof says ${document.eventId} at ${document.position} (index ${document.index})`);
  const included = document.size === digest?.size && verifyInclusion(document.leafHash, document.position - 1, digest.size, document.proof ?? [], digest.root);
  note(`included in the signed tree of ${digest?.size}`, included, 'the leaf, its position and the audit path do not lead to the signed root: one of them was altered');
  return result();
};

/**
 * Checks a consistency proof offline: the later digest's signature, and that the proof shows its
 * tree extends the earlier one. With `earlier` (a signed digest the auditor kept), also that the
 * earlier tree is that one: without it the proof holds only for the earlier root the document says.
 */
export const checkConsistencyProof = (document: ConsistencyProofDocument, key: KeyObject, earlier?: SignedDigest): CheckResult => {
  const { note, result } = checker();
  const { first, second } = document;
  note('later digest signature', signatureHolds(second, key), `the signature over the digest (size ${second?.size}, root ${second?.root}) does not verify with the pinned key ${keyIdOf(key)}`);
  if (earlier) {
    note('kept digest signature', signatureHolds(earlier, key), `the kept digest's signature does not verify with the pinned key ${keyIdOf(key)}`);
    note('the earlier tree is the kept digest\'s', earlier.size === first?.size && earlier.root === first?.root, `the kept digest is of ${earlier.size} events with root ${earlier.root}; the proof starts from ${first?.size} with root ${first?.root}`);
  }
  const consistent = first !== undefined && second !== undefined && verifyConsistency(first.size, second.size, first.root, second.root, document.proof ?? []);
  note(`the tree of ${second?.size} extends the tree of ${first?.size}`, consistent, 'the proof does not lead from the earlier root to the later one: the log was rewritten, or the proof or a root was altered');
  return result();
};
