import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkBundle, checkConsistencyProof, checkInclusionProof, createBundle, type AuditBundle, type CheckResult, type ConsistencyProofDocument, type InclusionProofDocument } from '@roc-ledger/audit';
import { CustomerId } from '@roc-ledger/events';
import { parseCustomerRef } from '@roc-ledger/identity';
import { loadOrCreateSigningKey, merkleTreeOf, type SignedDigest } from '@roc-ledger/ledger';
import { recordCliAccess } from '../accessLog.ts';
import { parseInstant } from '../dates.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openLedger, openResolverFor } from '../openLedger.ts';
import { writeOut } from '../output/writeOut.ts';
import { signingKeyFile } from './proofCommands.ts';

/** `audit bundle <customer> [--as-of D] --out file`: the customer's events with proofs against a signed digest, and the projections at D. */
export const auditBundleCommand = async (customer: string, options: { dataDir?: string; asOf?: string; out: string; purpose?: string }): Promise<number> => {
  const asOf = options.asOf ? parseInstant(options.asOf, '--as-of') : undefined;
  const ref = parseCustomerRef(customer);
  if (ref.kind === 'customerId' && !CustomerId.safeParse(ref.value).success) throw new CliError(CliErrorCode.invalidCustomer, `customer ${JSON.stringify(customer)}: give a customer id or <kind>:<value>`);
  const ledger = openLedger(options.dataDir);
  try {
    const resolver = await openResolverFor(ledger, ref);
    const customerId = resolver.resolve(ref);
    if (customerId === undefined) throw new CliError(CliErrorCode.customerNotFound, `no customer ${customer} in this ledger`);
    const key = loadOrCreateSigningKey(signingKeyFile(ledger.dataDir));
    const bundle = await createBundle(ledger.store, await merkleTreeOf(ledger.store), customerId, resolver.merges.members(customerId), key, asOf);
    await recordCliAccess(ledger.dataDir, options.purpose ?? 'audit', customerId, 'audit bundle');
    await writeOut(options.out, [`${JSON.stringify(bundle, null, 2)}\n`]);
    process.stdout.write(`audit bundle for ${customerId}: ${bundle.events.length} event(s) proven against the signed root ${bundle.digest.root} of ${bundle.digest.size} event(s) (key ${bundle.digest.signature.keyId}), ${bundle.projections.length} projection(s) at ${bundle.at}; written to ${options.out}\n`);
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};

type Checked = { kind: string; result: CheckResult; pinned: boolean };

/** A bundle, an inclusion proof or a consistency proof (as GET /v1/audit/… answer them), checked. */
const checkDocument = (document: Record<string, unknown>, pinned: KeyObject | undefined, against: SignedDigest | undefined, file: string): Checked => {
  if ('format' in document) {
    const bundle = document as unknown as AuditBundle;
    return { kind: `${bundle.customerId}'s bundle (root ${bundle.digest?.root}, key ${bundle.digest?.signature?.keyId})`, result: checkBundle(bundle, pinned), pinned: pinned !== undefined };
  }
  const isProof = 'leafHash' in document;
  if (!isProof && !('first' in document && 'second' in document)) throw new CliError(CliErrorCode.invalidProof, `${file}: neither a bundle, nor an inclusion or consistency proof from GET /v1/audit/proof or /v1/audit/consistency`);
  // A proof carries no key of its own: only a pinned key can vouch for its digest.
  if (!pinned) throw new CliError(CliErrorCode.invalidProof, `${file}: a proof is checked against the ledger's public key: give --public-key`);
  if (isProof) {
    const proof = document as unknown as InclusionProofDocument;
    return { kind: `the inclusion of event ${proof.eventId} at position ${proof.position} in the tree of ${proof.size} (root ${proof.digest?.root})`, result: checkInclusionProof(proof, pinned), pinned: true };
  }
  const proof = document as unknown as ConsistencyProofDocument;
  return { kind: `the tree of ${proof.second?.size} extending the tree of ${proof.first?.size}${against ? ' (the kept digest)' : ' (not pinned to a kept digest: --against)'}`, result: checkConsistencyProof(proof, pinned, against), pinned: true };
};

const readJson = (file: string, what: string): Record<string, unknown> => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(CliErrorCode.invalidProof, `${file}: not a readable ${what} (${(error as Error).message})`);
  }
};

/**
 * `audit check <file> [--public-key pem] [--against digest.json] [--json]`: verifies a bundle or a
 * proof offline; exit 4 and every failure named when it does not hold.
 */
export const auditCheckCommand = async (file: string, options: { publicKey?: string; against?: string; json?: boolean }): Promise<number> => {
  const document = readJson(file, 'bundle or proof');
  const pinned = options.publicKey ? createPublicKey(readFileSync(options.publicKey)) : undefined;
  // A digest kept earlier: as `digest --merkle --sign` prints it, or GET /v1/audit/digest's answer.
  const kept = options.against ? readJson(options.against, 'signed digest') : undefined;
  const against = kept ? ((('digest' in kept ? kept.digest : kept) as unknown) as SignedDigest) : undefined;
  const { kind, result, pinned: keyPinned } = checkDocument(document, pinned, against, file);
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    for (const c of result.checks) if (!c.ok) process.stdout.write(`FAIL ${c.check}: ${c.detail}\n`);
    process.stdout.write(`${result.ok ? 'OK' : 'FAILED'}: ${result.checks.filter((c) => c.ok).length} of ${result.checks.length} check(s) hold for ${kind}${keyPinned ? '' : '; the key was not pinned (--public-key)'}\n`);
  }
  return result.ok ? ExitCode.ok : ExitCode.integrityFailed;
};
