import { join } from 'node:path';
import { leafHash, loadOrCreateSigningKey, merkleDigestOf, merkleTreeOf, signDigest } from '@roc-ledger/ledger';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openLedger } from '../openLedger.ts';

export const signingKeyFile = (dataDir: string) => join(dataDir, 'signing-key.pem');

/** `digest --merkle [--sign] [--size N]`: the Merkle root of the log (RFC 9162), signed with the ledger's Ed25519 key. */
export const merkleDigestCommand = async (options: { dataDir?: string; sign?: boolean; size?: number; publicKey?: boolean }): Promise<number> => {
  const ledger = openLedger(options.dataDir);
  try {
    const { tree, recordedAt } = await merkleTreeOf(ledger.store, { size: options.size });
    if (options.size !== undefined && options.size > tree.size) throw new CliError(CliErrorCode.invalidProof, `--size ${options.size}: the log holds ${tree.size} event(s)`);
    const digest = await merkleDigestOf(tree, recordedAt);
    if (!options.sign) {
      process.stdout.write(`${JSON.stringify(digest)}\n`);
    } else {
      const key = loadOrCreateSigningKey(signingKeyFile(ledger.dataDir));
      process.stdout.write(`${JSON.stringify(signDigest(digest, key.privateKey))}\n`);
      if (options.publicKey) process.stderr.write(key.publicKeyPem);
    }
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};

/**
 * `prove <eventId> [--size N]`: the inclusion proof of one event in the tree of the first N events;
 * `prove --consistency M [--size N]`: the proof that the tree of N extends the tree of M.
 */
export const proveCommand = async (eventId: string | undefined, options: { dataDir?: string; size?: number; consistency?: number }): Promise<number> => {
  const ledger = openLedger(options.dataDir);
  try {
    // The event is looked for in the same pass over the log that builds the tree.
    let found: { index: number; body: string } | undefined;
    const { tree, recordedAt } = await merkleTreeOf(ledger.store, {
      size: options.size,
      onRecord: (record) => {
        if (!found && record.eventId === eventId) found = { index: record.globalPosition - 1, body: record.body };
      },
    });
    const size = options.size ?? tree.size;
    if (size > tree.size) throw new CliError(CliErrorCode.invalidProof, `--size ${size}: the log holds ${tree.size} event(s)`);
    if (options.consistency !== undefined) {
      if (!(options.consistency >= 1 && options.consistency <= size)) throw new CliError(CliErrorCode.invalidProof, `--consistency ${options.consistency}: must be 1..${size}`);
      const first = { size: options.consistency, root: await tree.root(options.consistency) };
      process.stdout.write(`${JSON.stringify({ first, second: await merkleDigestOf(tree, recordedAt, size), proof: await tree.consistencyProof(options.consistency, size) })}\n`);
      return ExitCode.ok;
    }
    if (!eventId) throw new CliError(CliErrorCode.invalidProof, 'give an event id, or --consistency <size>');
    if (!found) throw new CliError(CliErrorCode.customerNotFound, `no event ${eventId} among the first ${size} of this ledger`);
    process.stdout.write(`${JSON.stringify({ eventId, index: found.index, size, leafHash: leafHash(found.body).toString('hex'), root: await tree.root(size), proof: await tree.inclusionProof(found.index, size) })}\n`);
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};
