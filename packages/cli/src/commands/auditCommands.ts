import { createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { checkBundle, createBundle, type AuditBundle } from '@roc-ledger/audit';
import { CustomerId } from '@roc-ledger/events';
import { parseCustomerRef } from '@roc-ledger/identity';
import { loadOrCreateSigningKey, merkleTreeOf } from '@roc-ledger/ledger';
import { recordCliAccess } from '../accessLog.ts';
import { parseInstant } from '../dates.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openIngestor, openLedger } from '../openLedger.ts';
import { signingKeyFile } from './proofCommands.ts';

/** `audit bundle <customer> [--as-of D] --out file`: the customer's events with proofs against a signed digest, and the projections at D. */
export const auditBundleCommand = async (customer: string, options: { dataDir?: string; asOf?: string; out: string; purpose?: string }): Promise<number> => {
  const asOf = options.asOf ? parseInstant(options.asOf, '--as-of') : undefined;
  const ref = parseCustomerRef(customer);
  if (ref.kind === 'customerId' && !CustomerId.safeParse(ref.value).success) throw new CliError(CliErrorCode.invalidCustomer, `customer ${JSON.stringify(customer)}: give a customer id or <kind>:<value>`);
  const ledger = openLedger(options.dataDir);
  try {
    const { resolver } = await openIngestor(ledger);
    const customerId = resolver.resolve(ref);
    if (customerId === undefined) throw new CliError(CliErrorCode.customerNotFound, `no customer ${customer} in this ledger`);
    const key = loadOrCreateSigningKey(signingKeyFile(ledger.dataDir));
    const bundle = await createBundle(ledger.store, await merkleTreeOf(ledger.store), customerId, resolver.merges.members(customerId), key, asOf);
    await recordCliAccess(ledger.dataDir, options.purpose ?? 'audit', customerId, 'audit bundle');
    writeFileSync(options.out, `${JSON.stringify(bundle, null, 2)}\n`);
    process.stdout.write(`audit bundle for ${customerId}: ${bundle.events.length} event(s) proven against the signed root ${bundle.digest.root} of ${bundle.digest.size} event(s) (key ${bundle.digest.signature.keyId}), ${bundle.projections.length} projection(s) at ${bundle.at}; written to ${options.out}\n`);
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};

/** `audit check <file> [--public-key pem] [--json]`: verifies a bundle offline; exit 4 and every failure named when it does not hold. */
export const auditCheckCommand = async (file: string, options: { publicKey?: string; json?: boolean }): Promise<number> => {
  let bundle: AuditBundle;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8')) as AuditBundle;
  } catch (error) {
    throw new CliError(CliErrorCode.invalidProof, `${file}: not a readable bundle (${(error as Error).message})`);
  }
  const pinned = options.publicKey ? createPublicKey(readFileSync(options.publicKey)) : undefined;
  const result = checkBundle(bundle, pinned);
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    for (const c of result.checks) if (!c.ok) process.stdout.write(`FAIL ${c.check}: ${c.detail}\n`);
    process.stdout.write(`${result.ok ? 'OK' : 'FAILED'}: ${result.checks.filter((c) => c.ok).length} of ${result.checks.length} check(s) hold for ${bundle.customerId}'s bundle (root ${bundle.digest?.root}, key ${bundle.digest?.signature?.keyId})${pinned ? '' : '; the key was not pinned (--public-key)'}\n`);
  }
  return result.ok ? ExitCode.ok : ExitCode.integrityFailed;
};
