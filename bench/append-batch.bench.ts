// Appends of 100 events per call, one after another, each call durable.
// Usage: node bench/append-batch.bench.ts [--events 200000] [--runs 5]
import { argValue, emit, medianRun } from './lib/result.ts';
import { benchedStores } from './lib/benched.ts';
import { demoEvents, freshIds, tempDir } from './lib/workload.ts';

const total = argValue('events', 200_000);
const runs = argValue('runs', 5);
const base = demoEvents(total);

for (const { impl, open, note, runs: runsFor } of benchedStores()) {
  const result = await medianRun(runsFor(runs), async () => {
    const events = freshIds(base);
    const temp = tempDir('batch');
    const store = await open(temp.file('events.db'));
    const started = performance.now();
    for (let i = 0; i < total; i += 100) await store.append(`customer-b${(i / 100) % 500}`, events.slice(i, i + 100));
    const seconds = (performance.now() - started) / 1000;
    await store.close();
    temp.remove();
    return { seconds };
  });
  emit({ case: 'append-batch-100', impl, events: total, seconds: result.seconds, events_per_s: total / result.seconds, runs: result.runs, ...note() });
}
