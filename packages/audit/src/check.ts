import { createPublicKey, type KeyObject } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { decodeRecord, keyIdOf, leafHash, verifyDigestSignature, verifyInclusion, type RecordedEvent } from '@roc-ledger/ledger';
import { BUNDLE_FORMAT, eventsForProjections, projectionsAt, type AuditBundle } from './bundle.ts';

export interface CheckResult {
  readonly ok: boolean;
  /** Every check, in order: what was checked and, when it failed, exactly what. */
  readonly checks: readonly { readonly check: string; readonly ok: boolean; readonly detail?: string }[];
}

/** Checks noted one by one, each failure with what exactly failed; the result holds when all do. */
export const checker = () => {
  const checks: { check: string; ok: boolean; detail?: string }[] = [];
  const note = (check: string, ok: boolean, detail?: string) => checks.push({ check, ok, ...(ok || detail === undefined ? {} : { detail }) });
  const result = (): CheckResult => ({ ok: checks.every((c) => c.ok), checks });
  return { note, result };
};

/**
 * Checks a bundle offline, with nothing but the bundle (and, to pin the ledger's key, its public
 * key): the digest's signature, each event's bytes against its inclusion proof, that the events
 * are the customer's, and that the projections' states and answers follow from the events.
 */
export const checkBundle = (bundle: AuditBundle, pinnedKey?: KeyObject): CheckResult => {
  const { note, result } = checker();

  note('format', bundle.format === BUNDLE_FORMAT, `format is ${JSON.stringify(bundle.format)}, expected ${BUNDLE_FORMAT}`);
  let key: KeyObject | undefined;
  try {
    key = createPublicKey(bundle.publicKey);
  } catch (error) {
    note('public key', false, `the bundle's public key does not parse: ${(error as Error).message}`);
  }
  if (pinnedKey) note('public key is the pinned one', key !== undefined && keyIdOf(key) === keyIdOf(pinnedKey), `the bundle carries key ${key ? keyIdOf(key) : '(none)'}, the pinned key is ${keyIdOf(pinnedKey)}`);
  note('digest signature', key !== undefined && verifyDigestSignature(bundle.digest, key), `the signature over the digest (size ${bundle.digest.size}, root ${bundle.digest.root}) does not verify with key ${bundle.digest.signature?.keyId}`);

  const streams = new Set(bundle.members.map((id) => `customer-${id}`));
  const decoded: RecordedEvent[] = [];
  for (const event of bundle.events) {
    const where = `event at position ${event.position}`;
    const included = verifyInclusion(leafHash(event.body).toString('hex'), event.position - 1, bundle.digest.size, event.proof, bundle.digest.root);
    note(`${where}: included in the signed tree`, included, 'its bytes and inclusion proof do not lead to the signed root: the event, its position or the proof was altered');
    let parsed: RecordedEvent | undefined;
    try {
      parsed = decodeRecord(event.body, '');
    } catch (error) {
      note(`${where}: readable`, false, `its stored bytes are not an event: ${(error as Error).message}`);
    }
    if (parsed) {
      const consistent = parsed.globalPosition === event.position && parsed.streamId === event.streamId && streams.has(parsed.streamId);
      note(`${where}: the customer's`, consistent, `the stored event says position ${parsed.globalPosition}, stream ${parsed.streamId}; the bundle says ${event.position}, ${event.streamId}, customer ${bundle.customerId}`);
      decoded.push(parsed);
    }
  }

  // Within each stream the revisions must run 0, 1, 2, …: an event left out of the middle shows.
  // (One left off the end cannot be seen from the bundle alone.)
  const revisions = new Map<string, number[]>();
  for (const e of decoded) revisions.set(e.streamId, [...(revisions.get(e.streamId) ?? []), e.streamRevision]);
  for (const [stream, list] of revisions) {
    const sorted = [...list].sort((a, b) => a - b);
    const gap = sorted.findIndex((r, i) => r !== i);
    note(`stream ${stream}: no event left out`, gap === -1, `revision ${gap} is missing (found ${sorted.slice(Math.max(0, gap - 1), gap + 2).join(', ')})`);
  }

  const at = new Date(bundle.at);
  const recomputed = projectionsAt(eventsForProjections(decoded, at.getTime()), at, bundle.customerId);
  for (const expected of recomputed) {
    const found = bundle.projections.find((p) => p.projection === expected.projection);
    const same = found !== undefined && isDeepStrictEqual(JSON.parse(JSON.stringify(found.state)), JSON.parse(JSON.stringify(expected.state))) && isDeepStrictEqual(JSON.parse(JSON.stringify(found.result)), JSON.parse(JSON.stringify(expected.result)));
    note(`projection ${expected.projection}: follows from the events`, same, found ? `its state or ${expected.query} answer differs from folding the bundled events with ${expected.projection}` : 'missing from the bundle');
  }
  return result();
};
