#!/usr/bin/env node
// roc-ledger runs its TypeScript directly, which needs Node 24. The project ships Node 24 as a
// dev dependency; when started by an older node (a shell whose PATH lacks node_modules/.bin),
// re-run under the project's own node.
import { spawnSync } from 'node:child_process';
import module from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  let nodeBin;
  try {
    nodeBin = module.createRequire(import.meta.url).resolve('node/bin/node');
  } catch {
    process.stderr.write(`roc-ledger needs Node 24 or later (this is ${process.version}); run npm install in the project first\n`);
    process.exit(1);
  }
  const result = spawnSync(nodeBin, [new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
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
