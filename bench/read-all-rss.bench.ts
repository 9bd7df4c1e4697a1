// Peak RSS of readAll (decode + fold) over 1,000,000 events. The log is written by a child
// process first, so this process's peak RSS is the read alone.
// Usage: node bench/read-all-rss.bench.ts [--events 1000000]
import { spawnSync } from 'node:child_process';
import { argValue, emit, peakRssMb } from './lib/result.ts';
import { rocLedgerStore } from './lib/stores.ts';
import { demoEvents, emptyFold, foldEvent, freshIds, tempDir } from './lib/workload.ts';

const total = argValue('events', 1_000_000);

if (process.argv[2] === '--fill') {
  const store = rocLedgerStore(process.argv[3]!);
  const chunk = 100_000;
  for (let done = 0; done < total; done += chunk) {
    const events = freshIds(demoEvents(chunk, `rss-${done}`));
    for (let i = 0; i < chunk; i += 1000) await store.append(`customer-m${(done + i) / 1000}`, events.slice(i, i + 1000));
  }
  await store.close();
} else {
  const temp = tempDir('rss');
  const path = temp.file('events.db');
  const fill = spawnSync(process.execPath, [import.meta.filename, '--fill', path, '--events', String(total)], { stdio: 'inherit' });
  if (fill.status !== 0) throw new Error('filling the log failed');
  const before = peakRssMb();
  const store = rocLedgerStore(path);
  const state = emptyFold();
  const started = performance.now();
  const n = await store.readAll((event) => foldEvent(state, event));
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  temp.remove();
  emit({ case: 'read-all-peak-rss', impl: 'roc-ledger', events: n, seconds, events_per_s: n / seconds, runs: 1, note: `peak RSS before reading: ${before} MB` });
}
