// Appends of 100 events per call, one after another, each call durable.
// Usage: node bench/append-batch.bench.ts [--events 200000] [--runs 5]
import { argValue, emit, medianRun } from './lib/result.ts';
import { emmettStore, rocLedgerStore, type BenchStore } from './lib/stores.ts';
import { demoEvents, freshIds, tempDir } from './lib/workload.ts';

const total = argValue('events', 200_000);
const runs = argValue('runs', 5);
const batch = 100;
const base = demoEvents(total);

const measure = async (open: (path: string) => Promise<BenchStore | undefined>) => {
  const events = freshIds(base);
  const temp = tempDir('batch');
  const store = await open(temp.file('events.db'));
  if (!store) return undefined;
  const started = performance.now();
  for (let i = 0; i < total; i += batch) await store.append(`customer-b${(i / batch) % 500}`, events.slice(i, i + batch));
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  temp.remove();
  return { seconds };
};

for (const [impl, open] of [
  ['roc-ledger', async (p: string) => rocLedgerStore(p)],
  ...(process.env.BENCH_NO_PEERS ? [] : [['emmett-sqlite', emmettStore]] as const),
] as const) {
  const result = await medianRun(runs, async (run) => {
    const r = await measure(open);
    if (!r && run === 0) throw Object.assign(new Error('missing'), { missing: true });
    return r!;
  }).catch((error: { missing?: boolean }) => {
    if (error.missing) return undefined;
    throw error;
  });
  if (!result) {
    console.error(`${impl}: not installed (npm run bench:setup); skipped`);
    continue;
  }
  emit({ case: 'append-batch-100', impl, events: total, seconds: result.seconds, events_per_s: total / result.seconds, runs: result.runs });
}
