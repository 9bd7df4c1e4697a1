// Appends of 100 events per call, one after another, each call durable.
// Usage: node bench/append-batch.bench.ts [--events 200000] [--runs 5]
import { appendInTransaction, GENESIS_HASH, validateAppend, type AppendTransaction } from '@roc-ledger/ledger';
import { argValue, emit, medianRun } from './lib/result.ts';
import { contract } from './lib/stores.ts';
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

// Where the time of a roc-ledger append goes, without storage: validating events against the
// contract, and the append rules (positions, encoding, chain hash) over a transaction that stores nothing.
const stages: [string, () => void][] = [
  ['contract-validation-only', () => {
    for (let i = 0; i < total; i += 100) validateAppend(contract, base.slice(i, i + 100));
  }],
  ['append-rules-encode-hash-only', () => {
    let head = { position: 0, hash: GENESIS_HASH, recordedAt: null as string | null };
    const tx: AppendTransaction = {
      head: () => head,
      streamRevision: () => -1,
      findByEventId: () => undefined,
      insertAll: (records) => {
        const last = records.at(-1)!;
        head = { position: last.globalPosition, hash: last.hash, recordedAt: last.recordedAt };
        return 'inserted';
      },
    };
    const now = new Date();
    for (let i = 0; i < total; i += 100) appendInTransaction(tx, `customer-b${(i / 100) % 500}`, base.slice(i, i + 100), 'any', now);
  }],
];
for (const [impl, stage] of stages) {
  const result = await medianRun(runs, async () => {
    const started = performance.now();
    stage();
    return { seconds: (performance.now() - started) / 1000 };
  });
  emit({ case: 'append-batch-100', impl, events: total, seconds: result.seconds, events_per_s: total / result.seconds, runs: result.runs, note: `breakdown: ${((result.seconds * 1e6) / total).toFixed(2)} µs per event` });
}
