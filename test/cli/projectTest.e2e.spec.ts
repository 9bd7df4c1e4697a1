import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, cli } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';

const root = join(import.meta.dirname, '..', '..');
// An analyst's folder outside the installation: no node_modules, no package.json.
const temp = tempDataDir();
afterAll(() => temp.cleanup());

const write = (file: string, lines: string[]): string => {
  const path = join(temp.dir, file);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};

const visitsModule = [
  "import { defineProjection } from '@roc-ledger/projections';",
  'export default defineProjection<{ visits: number }>({',
  "  name: 'visits', version: 1, consumes: ['InteractionRecorded'], initialState: { visits: 0 },",
  "  handlers: { InteractionRecorded: (state, event) => { if (event.data.kind === 'visit') state.visits += 1; } },",
  '});',
];
const visitsTests = (expected: number) => [
  "import { test } from 'node:test';",
  "import { anEvent, given } from '@roc-ledger/projections/testing';",
  "import visits from './visits.ts';",
  "const visit = (at: string) => anEvent('InteractionRecorded', 'C1', at, { kind: 'visit', initiatedBy: 'customer' });",
  "test('counts visits', () => given(visits, visit('2025-01-01T00:00:00Z')).when(visit('2025-01-02T00:00:00Z')).then('C1', { visits: 2 }));",
  `test('counts ${expected} visits', () => given(visits, visit('2025-01-01T00:00:00Z')).then('C1', { visits: ${expected} }));`,
];
const projectTest = (...files: string[]) => cli(temp.dir, ['project', 'test', ...files]);

describe('roc-ledger project test', () => {
  it("runs the example's given/when/then tests", () => {
    const run = projectTest(join(root, 'examples', 'complaint-resolution.test.ts'));
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ℹ pass 3\b/);
    expect(run.stdout).toMatch(/ℹ fail 0\b/);
  });

  it("runs tests in an analyst's own folder, importing roc-ledger's packages, and exits 8 naming what differs", () => {
    write('mine/visits.ts', visitsModule);
    const file = write('mine/visits.test.ts', visitsTests(3));
    const run = projectTest(file);
    expect(run.status).toBe(8);
    expect(run.stdout).toMatch(/✔ counts visits/);
    expect(run.stdout).toMatch(/✖ counts 3 visits/);
    expect(run.stdout).toContain('visits@1, partition C1: differs at visits');
    expect(run.stdout).toMatch(/ℹ pass 1\b/);
  });

  it('runs the *.test.ts files below a folder, not those in node_modules', () => {
    write('folder/visits.ts', visitsModule);
    write('folder/nested/visits.ts', visitsModule);
    write('folder/visits.test.ts', visitsTests(1));
    write('folder/nested/visits.test.ts', visitsTests(1));
    write('folder/node_modules/pkg/visits.ts', visitsModule);
    write('folder/node_modules/pkg/visits.test.ts', visitsTests(5));
    const run = projectTest(join(temp.dir, 'folder'));
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ℹ pass 4\b/);
  });

  it('ends once the tests have, though one leaves a timer running', () => {
    const file = write('timer.test.ts', ["import { test } from 'node:test';", "test('leaves an interval behind', () => void setInterval(() => {}, 1000));"]);
    const run = spawnSync(process.execPath, [bin, 'project', 'test', file], { encoding: 'utf8', timeout: 20_000 });
    expect(run.signal).toBeNull();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ℹ pass 1\b/);
  });

  it('exits 8 for a file with no test or one that cannot be imported, and 2 for a path with no test file', () => {
    const empty = write('empty.test.ts', ['export const nothing = 0;']);
    const noTests = projectTest(empty);
    expect(noTests.status).toBe(8);
    expect(noTests.stderr).toContain(`no test in ${empty}`);
    // Written for another runner: its import fails here, and the file fails as a whole.
    const broken = projectTest(write('vitest.test.ts', ["import { it } from 'vitest';", "it('runs', () => {});"]));
    expect(broken.status).toBe(8);
    expect(broken.stdout).toContain("Cannot find package 'vitest'");
    const missing = projectTest(join(temp.dir, 'nothing-here.test.ts'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('CLI_ERR_NO_TEST_FILE');
    // A folder with no test file below it (one with a module only).
    write('no-tests/visits.ts', visitsModule);
    const noneBelow = projectTest(join(temp.dir, 'no-tests'));
    expect(noneBelow.status).toBe(2);
    expect(noneBelow.stderr).toMatch(/CLI_ERR_NO_TEST_FILE: no \*\.test\.ts or \*\.test\.js file in .*no-tests/);
  });
});
