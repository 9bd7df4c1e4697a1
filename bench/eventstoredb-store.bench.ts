// The EventStoreDB store: 16 writers appending one event per call, then readAll + decode of them.
// Against the in-memory model of the server it measures the store's own work per event (index,
// group decisions, hashing, mapping): the ceiling it leaves a real server, which adds a network
// round trip per group. With EVENTSTOREDB_URL set it measures that server too, in the same run.
// Usage: node bench/eventstoredb-store.bench.ts [--events 48000] [--runs 5]
import { randomUUID } from 'node:crypto';
import { createContract } from '@roc-ledger/events';
import { connectEventStoreDb, getEventStoreDbEventStore, type EsdbClient } from '@roc-ledger/store-eventstoredb';
import { ModelEventStoreDbServer } from '@roc-ledger/store-eventstoredb/testing';
import { argValue, emit, medianRun, percentile } from './lib/result.ts';
import { appendFromWriters, demoEvents, freshIds } from './lib/workload.ts';

const runs = argValue('runs', 5);
const writers = 16;
const total = argValue('events', 48_000);
const perWriter = Math.floor(total / writers);
const base = demoEvents(perWriter * writers);
const contract = createContract({ reportingCurrency: 'EUR' });

const targets: [string, () => EsdbClient, string][] = [
  ['roc-ledger over the model server', () => new ModelEventStoreDbServer().client(), 'the store\'s own work: the model answers in memory, no network'],
];
if (process.env.EVENTSTOREDB_URL) targets.push(['roc-ledger on EventStoreDB', () => connectEventStoreDb(process.env.EVENTSTOREDB_URL!), process.env.EVENTSTOREDB_URL]);

for (const [impl, client, note] of targets) {
  const appended = await medianRun(runs, async () => {
    const store = getEventStoreDbEventStore({ client: client(), contract, namespace: randomUUID() });
    const events = freshIds(base);
    const { seconds, latencies } = await appendFromWriters(store, events, writers);
    const readStarted = performance.now();
    let read = 0;
    for await (const _event of store.readAll({ pageSize: 1024 })) read++;
    const readSeconds = (performance.now() - readStarted) / 1000;
    await store.close();
    if (read !== perWriter * writers) throw new Error(`read ${read} of ${perWriter * writers} events`);
    return { seconds, latencies, readSeconds };
  });
  const events = perWriter * writers;
  emit({ case: 'eventstoredb-append-16w', impl, events, seconds: appended.seconds, events_per_s: events / appended.seconds, p50_ms: percentile(appended.latencies, 50), p99_ms: percentile(appended.latencies, 99), runs: appended.runs, note });
  emit({ case: 'eventstoredb-read-all', impl, events, seconds: appended.readSeconds, events_per_s: events / appended.readSeconds, runs: appended.runs, note });
}
