import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsistency, verifyDigestSignature, verifyInclusion, type SignedDigest } from '@roc-ledger/ledger';
import { rawDb, tempDataDir } from '../support/tempLedger.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'roc-ledger.js');
const temp = tempDataDir();
const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, [bin, '--data-dir', temp.dir, ...args], { encoding: 'utf8', env: { ...process.env, ROC_LEDGER_DATA_DIR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
const eventIdAt = (position: number) => (rawDb(temp.dbPath).prepare('SELECT event_id FROM events WHERE global_position = ?').get(position) as { event_id: string }).event_id;

beforeAll(() => {
  expect(cli(['demo', 'load', '--customers', '20', '--years', '1', '--seed', 'merkle']).code).toBe(0);
}, 60_000);
afterAll(() => temp.cleanup());

describe('signed Merkle digests and proofs', () => {
  let signed: SignedDigest;
  let publicKeyPem: string;

  it('signs the Merkle root with the ledger key, and the signature checks with the public key alone', () => {
    const run = cli(['digest', '--merkle', '--sign', '--public-key']);
    expect(run.code).toBe(0);
    signed = JSON.parse(run.stdout);
    publicKeyPem = run.stderr;
    expect(signed).toMatchObject({ algorithm: 'rfc9162-sha256', signature: { algorithm: 'ed25519' } });
    const key = createPublicKey(publicKeyPem);
    expect(verifyDigestSignature(signed, key)).toBe(true);
    expect(verifyDigestSignature({ ...signed, size: signed.size - 1 }, key)).toBe(false);
  });

  it('proves an event included in the signed tree; the proof fails for another leaf', () => {
    const id = eventIdAt(17);
    const proof = JSON.parse(cli(['prove', id, '--size', String(signed.size)]).stdout);
    expect(proof).toMatchObject({ eventId: id, index: 16, size: signed.size, root: signed.root });
    expect(verifyInclusion(proof.leafHash, proof.index, proof.size, proof.proof, signed.root)).toBe(true);
    expect(verifyInclusion(proof.leafHash, proof.index + 1, proof.size, proof.proof, signed.root)).toBe(false);
    expect(cli(['prove', '00000000-0000-7000-8000-000000000000']).code).toBe(6);
  });

  it('proves the grown log extends the signed tree, and detects a rewrite of the history before it', () => {
    expect(cli(['demo', 'load', '--customers', '25', '--years', '1', '--seed', 'merkle-more']).code).toBe(0);
    const grown = JSON.parse(cli(['prove', '--consistency', String(signed.size)]).stdout);
    expect(grown.second.size).toBeGreaterThan(signed.size);
    expect(grown.first.root).toBe(signed.root);
    expect(verifyConsistency(signed.size, grown.second.size, signed.root, grown.second.root, grown.proof)).toBe(true);

    // Someone with file access rewrites an early event (even recomputing nothing else).
    const db = rawDb(temp.dbPath);
    db.prepare("UPDATE events SET body = replace(body, '\"channel\":\"', '\"channel\":\"x') WHERE global_position = 5").run();
    db.close();
    const after = JSON.parse(cli(['prove', '--consistency', String(signed.size)]).stdout);
    expect(after.first.root).not.toBe(signed.root);
    expect(verifyConsistency(signed.size, after.second.size, signed.root, after.second.root, after.proof)).toBe(false);
  }, 60_000);
});
