import { existsSync, globSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';

/**
 * Runs an analyst's tests of their projections: files written for Node's own test runner
 * (`node:test`), wherever they are, importing `@roc-ledger/projections/testing` (given/when/then)
 * and their modules. Each file runs in a process of its own, preloaded so that a `@roc-ledger/…`
 * import resolves to this installation's packages as it does for `project run`, with nothing
 * installed beside them; the run ends when the tests have, whatever timers they leave. A folder
 * stands for the *.test.ts / *.test.js files below it.
 */
export const projectTestCommand = async (files: string[]): Promise<number> => {
  const named = files.map((file) => resolve(file));
  const missing = named.filter((path) => !existsSync(path));
  if (missing.length > 0) throw new CliError(CliErrorCode.noTestFile, `no test file at ${missing.join(', ')}`);
  // Real paths, as the runner names each test's file.
  const paths = named.flatMap((path) => (statSync(path).isDirectory() ? testFilesIn(path) : [path])).map((path) => realpathSync(path));
  if (paths.length === 0) throw new CliError(CliErrorCode.noTestFile, `no *.test.ts or *.test.js file in ${named.join(', ')}`);
  let failed = 0;
  // Files in which some test was defined: the runner reports a file without any as one passing test, named by its path.
  const withTests = new Set<string>();
  const preload = import.meta.resolve('@roc-ledger/projections/ownPackagesHook');
  const tests = run({ files: paths, execArgv: ['--import', preload], forceExit: true });
  const noted = (test: { name: string; file?: string }) => {
    if (test.file !== undefined && test.name !== test.file) withTests.add(test.file);
  };
  tests.on('test:pass', noted);
  // A suite fails with its failing tests, and a file that cannot be imported fails as a whole: either counts.
  tests.on('test:fail', (test) => {
    noted(test);
    failed++;
  });
  const report = tests.compose(spec);
  report.pipe(process.stdout, { end: false });
  await new Promise<void>((resolveEnd, reject) => report.once('end', resolveEnd).once('error', reject));
  if (failed > 0) return ExitCode.testsFailed;
  const empty = paths.filter((path) => !withTests.has(path));
  if (empty.length > 0) {
    process.stderr.write(`no test in ${empty.join(', ')}: write tests with node:test (import { test } from 'node:test')\n`);
    return ExitCode.testsFailed;
  }
  return ExitCode.ok;
};

const testFilesIn = (folder: string): string[] =>
  globSync('**/*.test.{ts,js,mjs}', { cwd: folder, exclude: (name) => name === 'node_modules' })
    .sort()
    .map((file) => join(folder, file));
