// Runs every bench case, one process each, and writes bench/results.ndjson and docs/benchmarks.md.
// Usage: npm run bench                          (all cases; about half an hour on 2 cores)
//        npm run bench -- --only read-stream    (re-run the cases whose file name contains it; the
//                                                other results in bench/results.ndjson are kept)
//        npm run bench -- --quick               (fewer runs and events, a smoke check; nothing is written)
//        npm run bench -- --render-only         (docs/benchmarks.md again from bench/results.ndjson)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './lib/result.ts';
import { benchCases } from './lib/cases.ts';
import { renderBenchmarks } from './lib/renderDocs.ts';

const quick = process.argv.includes('--quick');
const cases = benchCases(quick);

// --render-only: write docs/benchmarks.md again from bench/results.ndjson, running nothing.
const renderOnly = process.argv.includes('--render-only');
const onlyAt = process.argv.indexOf('--only');
const only = renderOnly ? '(none)' : onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
const resultsFile = join(import.meta.dirname, 'results.ndjson');
const selected = cases.filter(([file]) => !only || file.includes(only));

const fresh: BenchResult[] = [];
for (const [file, args] of selected) {
  process.stderr.write(`bench: ${file} ${args.join(' ')}\n`);
  const run = spawnSync(process.execPath, [join(import.meta.dirname, file), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${file} failed with exit code ${run.status}`);
  // Only result lines: a peer (the Kafka broker) may print its own logging to standard output, even on the same line.
  for (const line of run.stdout.split('\n').filter((l) => l.includes('{"case"')).map((l) => l.slice(l.indexOf('{"case"')))) {
    process.stdout.write(`${line}\n`);
    fresh.push(JSON.parse(line));
  }
}

// With --only, keep the recorded results of the cases not re-run, in their place.
const rerun = new Set(fresh.map((r) => r.case));
const kept: BenchResult[] = only && existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
const results = [...kept.filter((r) => !rerun.has(r.case)), ...fresh].sort((a, b) => caseOrder(a) - caseOrder(b));
function caseOrder(r: BenchResult): number {
  const order = ['append-durable-1w', 'append-durable-16w', 'append-batch-100', 'read-all-decode-fold', 'read-stream-1000', 'read-all-peak-rss', 'eventstoredb-append-16w', 'eventstoredb-read-all', 'http-single-64c', 'http-batch-500', 'kafka-to-ledger'];
  const i = order.indexOf(r.case);
  return i === -1 ? order.length : i;
}

if (!quick) {
  writeFileSync(resultsFile, results.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(import.meta.dirname, '..', 'docs', 'benchmarks.md'), renderBenchmarks(results, new Date().toISOString().slice(0, 10)));
  process.stderr.write('bench: wrote bench/results.ndjson and docs/benchmarks.md\n');
}
