import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consistencyProofDocument, inclusionProofDocument } from '@roc-ledger/audit';
import { loadOrCreateSigningKey, merkleTreeOf, signDigest } from '@roc-ledger/ledger';
import { openStore, tempDataDir } from '../support/tempLedger.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'roc-ledger.js');
const temp = tempDataDir();
const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, [bin, '--data-dir', temp.dir, ...args], { encoding: 'utf8', env: { ...process.env, ROC_LEDGER_DATA_DIR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};
const bundleFile = join(temp.dir, 'bundle.json');
const publicKey = join(temp.dir, 'ledger.pub.pem');
let bundle: Record<string, any>;

/** Writes a forged copy of the bundle and checks it against the pinned key. */
const checkForged = (forge: (b: Record<string, any>) => void) => {
  const copy = structuredClone(bundle);
  forge(copy);
  const file = join(temp.dir, 'forged.json');
  writeFileSync(file, JSON.stringify(copy));
  return cli(['audit', 'check', file, '--public-key', publicKey]);
};

beforeAll(() => {
  expect(cli(['demo', 'load', '--customers', '20', '--years', '2', '--seed', 'audit']).code).toBe(0);
  const signed = cli(['digest', '--merkle', '--sign', '--public-key']);
  writeFileSync(publicKey, signed.stderr);
  expect(cli(['audit', 'bundle', 'C0000002', '--as-of', '2024-06-30', '--out', bundleFile]).code).toBe(0);
  bundle = JSON.parse(readFileSync(bundleFile, 'utf8'));
}, 60_000);
afterAll(() => temp.cleanup());

describe('audit bundles', () => {
  it("hold one customer's events with proofs against a signed digest and the projections at the date, and check offline", () => {
    expect(bundle).toMatchObject({ format: 'roc-ledger-audit-bundle-v1', customerId: 'C0000002', asOf: '2024-06-30T23:59:59.999Z' });
    expect(bundle.events.length).toBeGreaterThan(10);
    expect(bundle.projections.map((p: { projection: string }) => p.projection)).toEqual(['customer-view@3', 'trust-score@103']);
    const check = cli(['audit', 'check', bundleFile, '--public-key', publicKey]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^OK: (\d+) of \1 check\(s\) hold/);
  });

  it('fail the check, naming what, when an event was altered', () => {
    const result = checkForged((b) => {
      b.events[3].body = b.events[3].body.replace('"source":"', '"source":"forged-');
    });
    expect(result.code).toBe(4);
    expect(result.stdout).toContain(`FAIL event at position ${bundle.events[3].position}: included in the signed tree`);
  });

  it('fail when a projection state was altered, an event left out, or the digest signed by another key', () => {
    const state = checkForged((b) => {
      b.projections[1].result.score = 99;
    });
    expect(state.code).toBe(4);
    expect(state.stdout).toContain('FAIL projection trust-score@103: follows from the events');

    const gap = checkForged((b) => {
      b.events.splice(5, 1);
    });
    expect(gap.code).toBe(4);
    expect(gap.stdout).toMatch(/FAIL stream customer-C0000002: no event left out: revision \d+ is missing/);

    const other = generateKeyPairSync('ed25519');
    const resigned = checkForged((b) => {
      const { signature: _signature, ...digest } = b.digest;
      b.digest = signDigest(digest as never, other.privateKey);
      b.publicKey = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    });
    expect(resigned.code).toBe(4);
    expect(resigned.stdout).toContain('FAIL public key is the pinned one');

    const resized = checkForged((b) => {
      b.digest.size += 1;
    });
    expect(resized.stdout).toContain('FAIL digest signature');
  });
});

describe('proofs as GET /v1/audit/proof and /v1/audit/consistency give them, checked offline', () => {
  it('hold against the pinned key and a digest kept earlier; forged ones fail, naming what', async () => {
    const store = openStore(temp.dbPath);
    try {
      const key = loadOrCreateSigningKey(join(temp.dir, 'signing-key.pem'));
      const merkle = await merkleTreeOf(store);
      const earlier = Math.floor(merkle.size / 2);
      // The digest an auditor kept back then, as `digest --merkle --sign` printed it.
      const keptFile = join(temp.dir, 'kept.json');
      writeFileSync(keptFile, cli(['digest', '--merkle', '--sign', '--size', String(earlier)]).stdout);
      const write = (name: string, document: unknown) => {
        const file = join(temp.dir, name);
        writeFileSync(file, JSON.stringify(document));
        return file;
      };
      const proof = await inclusionProofDocument(store, merkle, key.privateKey, 17);
      const consistency = await consistencyProofDocument(store, merkle, key.privateKey, earlier);

      const included = cli(['audit', 'check', write('proof.json', proof), '--public-key', publicKey]);
      expect(included.code).toBe(0);
      expect(included.stdout).toMatch(new RegExp(`^OK: (\\d+) of \\1 check\\(s\\) hold for the inclusion of event ${proof.eventId} at position 17 in the tree of ${merkle.size}`));
      const extended = cli(['audit', 'check', write('consistency.json', consistency), '--public-key', publicKey, '--against', keptFile]);
      expect(extended.code).toBe(0);
      expect(extended.stdout).toContain(`hold for the tree of ${merkle.size} extending the tree of ${earlier} (the kept digest)`);

      const forgedBody = cli(['audit', 'check', write('forged-proof.json', { ...proof, body: proof.body.replace('"source":"', '"source":"forged-') }), '--public-key', publicKey]);
      expect(forgedBody.code).toBe(4);
      expect(forgedBody.stdout).toContain("FAIL leaf hash is the stored bytes'");
      const moved = cli(['audit', 'check', write('moved-proof.json', { ...proof, position: 18, index: 17 }), '--public-key', publicKey]);
      expect(moved.code).toBe(4);
      expect(moved.stdout).toContain('FAIL the event at position 18');
      expect(moved.stdout).toContain(`FAIL included in the signed tree of ${merkle.size}`);
      // A proof from a tree the auditor did not keep: it holds for its own roots, not for the kept digest.
      const otherFirst = await consistencyProofDocument(store, merkle, key.privateKey, earlier - 1);
      const unkept = cli(['audit', 'check', write('other.json', otherFirst), '--public-key', publicKey, '--against', keptFile]);
      expect(unkept.code).toBe(4);
      expect(unkept.stdout).toContain("FAIL the earlier tree is the kept digest's");
      const rewritten = cli(['audit', 'check', write('rewritten.json', { ...consistency, first: { ...consistency.first, root: otherFirst.first.root } }), '--public-key', publicKey]);
      expect(rewritten.code).toBe(4);
      expect(rewritten.stdout).toContain(`FAIL the tree of ${merkle.size} extends the tree of ${earlier}`);
      // A proof carries no key: without a pinned one it is refused, not passed.
      expect(cli(['audit', 'check', join(temp.dir, 'proof.json')]).code).toBe(2);
      // Neither a bundle nor a proof, or a kept digest that is not JSON: refused, naming the file.
      const other = cli(['audit', 'check', write('other-doc.json', { hello: 'world' }), '--public-key', publicKey]);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain('neither a bundle, nor an inclusion or consistency proof');
      const badKept = cli(['audit', 'check', join(temp.dir, 'consistency.json'), '--public-key', publicKey, '--against', publicKey]);
      expect(badKept.code).toBe(2);
      expect(badKept.stderr).toContain(`${publicKey}: not a readable signed digest`);
    } finally {
      await store.close();
    }
  });
});
