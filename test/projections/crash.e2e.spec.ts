import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { getSqliteReadModelStore, ProjectionRuntime, stateHash } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { openStore, tempDataDir } from '../support/tempLedger.ts';

const projector = join(import.meta.dirname, '..', 'support', 'projectorProcess.ts');
const temp = tempDataDir();
let head = 0;

beforeAll(async () => {
  const clock: SimClock = { now: new Date(0) };
  const store = openStore(temp.dbPath, () => clock.now);
  await loadDemo(store, clock, { customers: 400, years: 2, seed: 'crash', merges: 4 });
  head = (await store.head()).position;
  await store.close();
}, 120_000);
afterAll(() => temp.cleanup());

const checkpoints = (path: string): number[] => {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return (db.prepare('SELECT position FROM projections').all() as { position: number }[]).map((r) => r.position);
    } finally {
      db.close();
    }
  } catch {
    return [];
  }
};

/** The shard checkpoints backfill threads laid out, as [key, shard, position]. */
const shardCheckpoints = (path: string): [string, number, number][] => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare('SELECT key, shard, position FROM projection_shards ORDER BY key, shard').all() as { key: string; shard: number; position: number }[]).map((r) => [r.key, r.shard, r.position]);
  } finally {
    db.close();
  }
};

const startProjector = (readModelsPath: string, threads: boolean) => {
  const child = spawn(process.execPath, [projector, temp.dbPath, readModelsPath, '250', ...(threads ? ['threads'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, done: () => output.includes('DONE') };
};

const until = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe.each([
  ['folding in the runtime', false],
  ['folding on two backfill threads, a shard each', true],
])('a projector killed during a rebuild, %s,', (_label, threads) => {
  it('resumes from its checkpoint and ends in the state a clean rebuild gives', async () => {
    const crashed = join(temp.dir, `crashed-${threads ? 'threads' : 'runtime'}.db`);
    const first = startProjector(crashed, threads);
    // Kill -9 once a commit has landed but before the rebuild is done.
    await until(() => checkpoints(crashed).some((p) => p > 0) || first.done(), 60_000);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    const atKill = checkpoints(crashed);
    expect(first.done()).toBe(false);
    expect(Math.min(...atKill)).toBeLessThan(head);
    // On threads, the kill caught each projection in two shards, each at its own checkpoint.
    if (threads) expect(shardCheckpoints(crashed).map(([key, shard]) => `${key}#${shard}`)).toEqual(['customer-view@3#0', 'customer-view@3#1', 'trust-score@103#0', 'trust-score@103#1']);

    const second = startProjector(crashed, threads);
    await until(second.done, 60_000);
    second.child.kill('SIGKILL');
    await new Promise((resolve) => second.child.once('exit', resolve));

    // The same history rebuilt in one go, in this process.
    const store = openStore(temp.dbPath);
    const clean = getSqliteReadModelStore(':memory:');
    const runtime = new ProjectionRuntime({ store, readModels: clean, definitions: [customerView, trustScore] });
    await runtime.start();
    await runtime.waitFor(head);
    await runtime.stop();
    const resumed = getSqliteReadModelStore(crashed);
    for (const key of ['customer-view@3', 'trust-score@103']) {
      expect((await resumed.row(key))!.position).toBe(head);
      expect(await stateHash(resumed, key)).toEqual(await stateHash(clean, key));
    }
    await resumed.close();
    await clean.close();
    await store.close();
  }, 120_000);
});
