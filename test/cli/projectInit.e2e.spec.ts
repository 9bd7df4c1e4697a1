import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';

// The ledger's data directory, and an analyst's folder beside it, outside the installation.
const temp = tempDataDir();
afterAll(() => temp.cleanup());
const folder = join(temp.dir, 'analyst', 'spend');
const tsc = join(createRequire(import.meta.url).resolve('typescript/package.json'), '..', 'bin', 'tsc');
const typeCheck = () => spawnSync(process.execPath, [tsc, '-p', folder], { encoding: 'utf8' });

describe('roc-ledger project init', () => {
  it('starts a projection in a folder of its own that tests, type-checks against this installation and runs', () => {
    const init = cli(temp.dir, ['project', 'init', folder]);
    expect(init.status, init.stderr).toBe(0);
    for (const file of ['package.json', 'tsconfig.json', 'spend.ts', 'spend.test.ts']) expect(existsSync(join(folder, file)), file).toBe(true);
    expect(init.stdout).toContain(`project test`);

    const tests = cli(temp.dir, ['project', 'test', folder]);
    expect(tests.status, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/ℹ pass 4\b/);

    // The handlers are typed by event type through the tsconfig's paths: a misspelt field fails the check.
    const checked = typeCheck();
    expect(checked.status, checked.stdout).toBe(0);
    const module = join(folder, 'spend.ts');
    const source = readFileSync(module, 'utf8');
    writeFileSync(module, source.replace('event.data.amount.minor;', 'event.data.amont.minor;'));
    const misspelt = typeCheck();
    expect(misspelt.status).not.toBe(0);
    expect(misspelt.stdout).toMatch(/spend\.ts.*Property 'amont' does not exist/);
    writeFileSync(module, source);

    expect(cli(temp.dir, ['demo', 'load', '--customers', '30', '--years', '1', '--seed', 'project-init']).status).toBe(0);
    const out = join(temp.dir, 'spend.csv');
    const run = cli(temp.dir, ['project', 'run', module, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('customer,currency,net,purchases,refunds,firstChannel');
    expect(rows.length).toBeGreaterThan(0);
  }, 120_000);

  it('overwrites nothing, and refuses a name a projection cannot have', () => {
    const again = cli(temp.dir, ['project', 'init', folder]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('CLI_ERR_FILE_EXISTS');
    const badName = cli(temp.dir, ['project', 'init', join(temp.dir, 'other'), '--name', 'Spend Per Customer']);
    expect(badName.status).toBe(2);
    expect(badName.stderr).toContain('CLI_ERR_INVALID_PROJECT_NAME');
    expect(existsSync(join(temp.dir, 'other'))).toBe(false);
  });
});
