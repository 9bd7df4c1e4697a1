import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDigest } from '@roc-ledger/ledger';
import { tempDataDir } from '../support/tempLedger.ts';

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
    expect(bundle.projections.map((p: { projection: string }) => p.projection)).toEqual(['customer-view@2', 'trust-score@102']);
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
    expect(state.stdout).toContain('FAIL projection trust-score@102: follows from the events');

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
