// readAll with JSON decode and a fold, beside the plain-file ceiling: the same events as an
// NDJSON file, read line by line, JSON-decoded and folded the same way. Peer: Emmett.
// Usage: node bench/read-all.bench.ts [--events 200000] [--runs 5]
import { createReadStream, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { argValue, emit, medianRun } from './lib/result.ts';
import { benchedStores } from './lib/benched.ts';
import type { BenchStore } from './lib/stores.ts';
import { demoEvents, emptyFold, foldEvent, freshIds, tempDir } from './lib/workload.ts';

const total = argValue('events', 200_000);
const runs = argValue('runs', 5);
const events = freshIds(demoEvents(total));
const temp = tempDir('readall');

const fill = async (store: BenchStore) => {
  for (let i = 0; i < total; i += 1000) await store.append(`customer-r${(i / 1000) % 200}`, events.slice(i, i + 1000));
};

const ndjson = temp.file('events.ndjson');
writeFileSync(ndjson, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
const plain = await medianRun(runs, async () => {
  const started = performance.now();
  const state = emptyFold();
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(ndjson), crlfDelay: Number.POSITIVE_INFINITY })) {
    foldEvent(state, JSON.parse(line));
    n++;
  }
  return { seconds: (performance.now() - started) / 1000, n };
});
emit({ case: 'read-all-decode-fold', impl: 'plain-file-ceiling', events: plain.n, seconds: plain.seconds, events_per_s: plain.n / plain.seconds, runs });

for (const { impl, open, note, runs: runsFor } of benchedStores()) {
  const store = await open(temp.file(`${impl}.db`));
  await fill(store);
  const result = await medianRun(runsFor(runs), async () => {
    const started = performance.now();
    const state = emptyFold();
    const n = await store.readAll((event) => foldEvent(state, event));
    return { seconds: (performance.now() - started) / 1000, n };
  });
  await store.close();
  emit({ case: 'read-all-decode-fold', impl, events: result.n, seconds: result.seconds, events_per_s: result.n / result.seconds, runs: result.runs, note: [`${((plain.seconds / result.seconds) * 100).toFixed(0)}% of the plain-file ceiling`, note().note].filter(Boolean).join('; ') });
}
temp.remove();
