// Reading one customer's 1,000-event stream (decoded), among 100 such streams.
// Usage: node bench/read-stream.bench.ts [--reads 300] [--runs 5]
import { DatabaseSync } from 'node:sqlite';
import { argValue, emit, medianRun, percentile } from './lib/result.ts';
import { benchedStores } from './lib/benched.ts';
import { demoEvents, freshIds, tempDir } from './lib/workload.ts';

const reads = argValue('reads', 300);
const runs = argValue('runs', 5);
const streams = 100;
const perStream = 1000;
const events = freshIds(demoEvents(streams * perStream));
const temp = tempDir('readstream');

for (const { impl, open, note, runs: runsFor } of benchedStores()) {
  const store = await open(temp.file(`${impl}.db`));
  // Interleave the streams so that one stream's events are spread over the whole log.
  for (let i = 0; i < perStream; i += 10) {
    for (let s = 0; s < streams; s++) await store.append(`customer-s${s}`, events.slice((s * perStream) + i, (s * perStream) + i + 10));
  }
  const result = await medianRun(runsFor(runs), async () => {
    const latencies: number[] = [];
    const started = performance.now();
    for (let r = 0; r < reads; r++) {
      const t0 = performance.now();
      const n = await store.readStream(`customer-s${r % streams}`);
      latencies.push(performance.now() - t0);
      if (n !== perStream) throw new Error(`${impl} read ${n} events`);
    }
    return { seconds: (performance.now() - started) / 1000, latencies };
  });
  await store.close();
  emit({ case: 'read-stream-1000', impl, events: reads * perStream, seconds: result.seconds, events_per_s: (reads * perStream) / result.seconds, p50_ms: percentile(result.latencies, 50), p99_ms: percentile(result.latencies, 99), runs: result.runs, ...note() });
}
// Where the time of a roc-ledger read goes: the same reads straight from its file, fetching the
// rows only, then fetching and JSON-decoding them (no upcast, no event objects beyond JSON.parse).
const db = new DatabaseSync(temp.file('roc-ledger.db'), { readOnly: true });
const rows = db.prepare('SELECT body, hash FROM events WHERE stream_id = ? ORDER BY stream_revision');
rows.setReturnArrays(true);
for (const [impl, read] of [
  ['sqlite-fetch-only', (s: string) => rows.all(s).length],
  ['sqlite-fetch+JSON.parse', (s: string) => (rows.all(s) as unknown as [string][]).map(([body]) => JSON.parse(body)).length],
] as const) {
  const result = await medianRun(runs, async () => {
    const latencies: number[] = [];
    const started = performance.now();
    for (let r = 0; r < reads; r++) {
      const t0 = performance.now();
      if (read(`customer-s${r % streams}`) !== perStream) throw new Error(`${impl} read the wrong count`);
      latencies.push(performance.now() - t0);
    }
    return { seconds: (performance.now() - started) / 1000, latencies };
  });
  emit({ case: 'read-stream-1000', impl, events: reads * perStream, seconds: result.seconds, events_per_s: (reads * perStream) / result.seconds, p50_ms: percentile(result.latencies, 50), p99_ms: percentile(result.latencies, 99), runs: result.runs, note: 'breakdown of the roc-ledger read' });
}
db.close();
temp.remove();
