// Sharded projectors: a full rebuild of the built-in projections into PostgreSQL read models by
// one projector process (`serve --role projector --shards 4`) and by two sharing the shards, over
// the same demo ledger, in one run. Each process reads the whole log and folds its shards.
// Usage: node bench/projector-shards.bench.ts [--customers 5000] [--years 3] [--runs 3]
// Needs PostgreSQL at 127.0.0.1:5432 (or ROC_LEDGER_TEST_POSTGRES_URL).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { argValue, emit, medianRun } from './lib/result.ts';
import { tempDir } from './lib/workload.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'roc-ledger.js');
const customers = argValue('customers', 5000);
const years = argValue('years', 3);
const runs = argValue('runs', 3);
const url = process.env.ROC_LEDGER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const temp = tempDir('projector-shards');
const loaded = spawnSync(process.execPath, [bin, '--data-dir', temp.dir, 'demo', 'load', '--customers', String(customers), '--years', String(years), '--seed', 'bench-shards'], { encoding: 'utf8' });
if (loaded.status !== 0) throw new Error(loaded.stderr);
const head = Number(/position":(\d+)/.exec(loaded.stdout + loaded.stderr)?.[1]);
if (!head) throw new Error('no head in the demo load output');

const admin = new pg.Client({ connectionString: url });
await admin.connect();

/** A child's peak resident set (VmHWM), MB. */
const peakRssOf = (child: ChildProcess): number => {
  try {
    return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
};

/** Starts `instances` projector processes on a fresh schema and times them until every projection is live at the head. */
const rebuild = async (instances: number, run: number) => {
  const schema = `bench_shards_${instances}_${run}_${process.pid}`;
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const env = { ...process.env, ROC_LEDGER_READ_MODELS_URL: url, ROC_LEDGER_READ_MODELS_SCHEMA: schema };
  const started = performance.now();
  const children: ChildProcess[] = Array.from({ length: instances }, (_, i) =>
    spawn(process.execPath, [bin, '--data-dir', temp.dir, 'serve', '--role', 'projector', '--shards', '4', '--lease-ttl', '3', '--instance', `p${i}`, '--port', '0'], { env, stdio: ['ignore', 'ignore', process.env.BENCH_LOG ? 'inherit' : 'ignore'] }),
  );
  try {
    for (;;) {
      const rows = await admin.query(`SELECT position, status FROM "${schema}".projections`).then((r) => r.rows, () => []);
      if (rows.length === 3 && rows.every((r) => Number(r.position) >= head && r.status === 'live')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, rss: Math.max(...children.map(peakRssOf)) };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
};

for (const instances of [1, 2]) {
  const result = await medianRun(runs, (run) => rebuild(instances, run));
  emit({
    case: 'projector-shards-rebuild',
    impl: `${instances}-projector${instances > 1 ? 's' : ''}`,
    events: head,
    seconds: result.seconds,
    events_per_s: head / result.seconds,
    runs: result.runs,
    peak_rss_mb: result.rss,
    note: `customer-view, trust-score, ledger-activity into PostgreSQL, 4 shards; from process start until all are live at the head (${customers} customers, ${years} years, sealed); peak RSS of the largest projector process`,
  });
}
await admin.end();
temp.remove();
