// What sealing personal data costs, both sides in one process run: appends of 100 events per
// call and readAll + decode, on a store that seals (per-customer keys in a file key store) and on
// one that does not; and an erasure's latency, from the request to the projections refolded.
// Usage: node bench/privacy.bench.ts [--events 100000] [--runs 5] [--erasures 20]
import { customerView } from '@roc-ledger/customer-view';
import { mapPersonalFields, type AnyVersionEventInput } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import type { EventStore } from '@roc-ledger/ledger';
import { createPersonalDataGuard, eraseCustomer, getFileKeyStore, type KeyStore } from '@roc-ledger/privacy';
import { getSqliteReadModelStore, ProjectionRuntime } from '@roc-ledger/projections';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { trustScore } from '@roc-ledger/trust-score';
import { argValue, emit, median, percentile } from './lib/result.ts';
import { contract } from './lib/stores.ts';
import { demoEvents, freshIds, tempDir } from './lib/workload.ts';

const total = argValue('events', 100_000);
const runs = argValue('runs', 5);
const erasures = argValue('erasures', 20);
const CUSTOMERS = 2000;
const base = demoEvents(total, 'bench-privacy');
let personal = 0;
for (const event of base) mapPersonalFields(event, (value) => (personal++, value));
const withPersonal = base.filter((event) => mapPersonalFields(event, () => 'x') !== event).length;
const workload = `${total.toLocaleString('en-US')} demo events, ${withPersonal.toLocaleString('en-US')} of them with personal fields (${personal.toLocaleString('en-US')} values), ${CUSTOMERS} customers`;

type Mode = 'sealed' | 'plain';
const open = (dir: ReturnType<typeof tempDir>, mode: Mode): { store: EventStore; keys?: KeyStore } => {
  if (mode === 'plain') return { store: getSqliteEventStore({ path: dir.file('events.db'), contract }) };
  const keys = getFileKeyStore({ path: dir.file('keys.db') });
  return { store: getSqliteEventStore({ path: dir.file('events.db'), contract, personalData: createPersonalDataGuard(keys) }), keys };
};
const fill = async (store: EventStore, events: AnyVersionEventInput[]) => {
  for (let i = 0; i < events.length; i += 100) await store.append(`customer-p${(i / 100) % CUSTOMERS}`, events.slice(i, i + 100));
};

// 1. Appends, alternating the two sides run by run.
const appendSeconds: Record<Mode, number[]> = { sealed: [], plain: [] };
for (let run = 0; run < runs; run++) {
  for (const mode of ['plain', 'sealed'] as const) {
    const dir = tempDir(`privacy-append-${mode}`);
    const { store, keys } = open(dir, mode);
    const events = freshIds(base);
    const started = performance.now();
    await fill(store, events);
    appendSeconds[mode].push((performance.now() - started) / 1000);
    await store.close();
    await keys?.close();
    dir.remove();
  }
}
for (const mode of ['plain', 'sealed'] as const) {
  const seconds = median(appendSeconds[mode]);
  emit({ case: 'append-batch-100-personal-data', impl: `roc-ledger-${mode}`, events: total, seconds, events_per_s: total / seconds, runs, note: `${workload}; ${mode === 'sealed' ? 'personal values sealed (AES-256-GCM, SIV) with keys from the file key store' : 'no sealing'}` });
}

// 2. readAll + decode (+ open), alternating.
const filled: Record<Mode, { store: EventStore; keys?: KeyStore; dir: ReturnType<typeof tempDir> }> = {} as never;
for (const mode of ['plain', 'sealed'] as const) {
  const dir = tempDir(`privacy-read-${mode}`);
  filled[mode] = { ...open(dir, mode), dir };
  await fill(filled[mode].store, freshIds(base));
}
const readSeconds: Record<Mode, number[]> = { sealed: [], plain: [] };
for (let run = 0; run < runs; run++) {
  for (const mode of ['plain', 'sealed'] as const) {
    const started = performance.now();
    let n = 0;
    for await (const _ of filled[mode].store.readAll({ pageSize: 1024 })) n++;
    if (n !== total) throw new Error(`read ${n} of ${total}`);
    readSeconds[mode].push((performance.now() - started) / 1000);
  }
}
for (const mode of ['plain', 'sealed'] as const) {
  const seconds = median(readSeconds[mode]);
  emit({ case: 'read-all-personal-data', impl: `roc-ledger-${mode}`, events: total, seconds, events_per_s: total / seconds, runs, note: `${workload}; readAll, decoded${mode === 'sealed' ? ' and opened (keys looked up per page)' : ''}` });
}
await filled.plain.store.close();
filled.plain.dir.remove();

// 3. Erasure latency through the ingestion path, with customer-view and trust-score live.
{
  const { store, keys, dir } = filled.sealed;
  const readModels = getSqliteReadModelStore(dir.file('readmodels.db'));
  const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore] });
  await runtime.start();
  await runtime.waitFor((await store.head()).position);
  const ingestor = await Ingestor.open({ store, contract });
  const latencies: number[] = [];
  for (let i = 0; i < erasures; i++) {
    const started = performance.now();
    const result = await eraseCustomer({ keys: keys!, store, ingestor }, { customerId: `p${i * 7}`, basis: 'customer-request' });
    await runtime.waitFor(result.globalPosition);
    latencies.push(performance.now() - started);
  }
  await runtime.stop();
  await readModels.close();
  await store.close();
  await keys!.close();
  dir.remove();
  const p50 = median(latencies);
  emit({ case: 'erase-customer', impl: 'roc-ledger', events: erasures, seconds: latencies.reduce((a, b) => a + b, 0) / 1000, events_per_s: erasures / (latencies.reduce((a, b) => a + b, 0) / 1000), p50_ms: p50, p99_ms: percentile(latencies, 99), runs: erasures, note: `one erasure at a time (keys destroyed, CustomerErased recorded, customer-view and trust-score refolded and committed, write-ahead log truncated), customers of ~${Math.round(total / CUSTOMERS)} events each, over ${workload}` });
}
