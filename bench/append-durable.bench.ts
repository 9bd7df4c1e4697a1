// Durable single-event appends: W writers, each awaiting its acknowledgement (fsync) before the next.
// Usage: node bench/append-durable.bench.ts --writers 16 [--events 16000] [--runs 5]
import { argValue, emit, medianRun, percentile } from './lib/result.ts';
import { benchedStores } from './lib/benched.ts';
import type { BenchStore } from './lib/stores.ts';
import { appendFromWriters, demoEvents, freshIds, tempDir } from './lib/workload.ts';

const writers = argValue('writers', 16);
const runs = argValue('runs', 5);
const perWriter = Math.floor(argValue('events', writers === 1 ? 3000 : 16000) / writers);
const base = demoEvents(perWriter * writers);

const measure = async (open: (path: string) => Promise<BenchStore>) => {
  const events = freshIds(base);
  const temp = tempDir('append');
  const store = await open(temp.file('events.db'));
  const { seconds, latencies } = await appendFromWriters(store, events, writers);
  await store.close();
  temp.remove();
  return { seconds, latencies };
};

for (const { impl, open, note, runs: runsFor } of benchedStores()) {
  const result = await medianRun(runsFor(runs), () => measure(open));
  const events = perWriter * writers;
  emit({ case: `append-durable-${writers}w`, impl, events, seconds: result.seconds, events_per_s: events / result.seconds, p50_ms: percentile(result.latencies, 50), p99_ms: percentile(result.latencies, 99), runs: result.runs, ...note() });
}
