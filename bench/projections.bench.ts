// Projections: a full rebuild of customer-view and trust-score (read, decode, apply, persist)
// beside the plain-file JSON-decode ceiling of the same events; live lag from append to updated
// view with 2,000 events/s arriving; as-of queries for one customer.
// Usage: node bench/projections.bench.ts [--customers 20000] [--years 3] [--runs 3]
//        (child modes, used by itself: --rebuild, --breakdown, --live)
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, rmSync, statSync, writeFileSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { customerView } from '@roc-ledger/customer-view';
import type { CustomerRef } from '@roc-ledger/events';
import { generateDemo } from '@roc-ledger/demo';
import { Ingestor } from '@roc-ledger/ingest';
import { Immer } from 'immer';
import type { EventStore, RecordedEvent } from '@roc-ledger/ledger';
import { createPersonalDataGuard, getFileKeyStore } from '@roc-ledger/privacy';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { BACKFILL_THREADS_MAX, getSqliteReadModelStore, ProjectionRuntime, projectionKey, replayAll, replayOnThreads, type ProjectionDefinition } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { loadDemo, type SimClock } from '../test/support/demoLedger.ts';
import { contract } from '../test/support/tempLedger.ts';
import { argValue, emit, median, medianRun, peakRssMb, percentile, signedPercent } from './lib/result.ts';
import { serveFirstStart, type FirstStart } from './lib/serveFirstStart.ts';
import { tempDir } from './lib/workload.ts';

/**
 * The store as `serve` opens it: personal fields sealed, keys in the file key store beside it.
 * BENCH_UNSEALED=1 (inherited by the child processes) measures the same without sealing, as
 * `-unsealed` rows, for comparison.
 */
const unsealed = process.env.BENCH_UNSEALED === '1';
const variant = unsealed ? '-unsealed' : '';
const openStore = (dbPath: string, clock?: () => Date): EventStore =>
  getSqliteEventStore({
    path: dbPath,
    contract,
    ...(unsealed ? {} : { personalData: createPersonalDataGuard(getFileKeyStore({ path: join(dirname(dbPath), 'keys.db') })) }),
    ...(clock ? { clock } : {}),
  });

/** Backfill threads as `serve` runs them, over the bench ledger (bench/lib/backfillContext.ts). */
const backfillOf = (dbPath: string, readModelsPath: string) => ({ module: import.meta.resolve('./lib/backfillContext.ts'), data: { dbPath, readModelsPath, unsealed } });

const immer = new Immer({ autoFreeze: false }); // as the runtime configures it
const breakdownAt = process.argv.indexOf('--breakdown');
if (breakdownAt !== -1) {
  // Child: where a rebuild's time goes, on the first <n> events, each part alone.
  const dbPath = process.argv[breakdownAt + 1]!;
  const n = Number(process.argv[breakdownAt + 2]);
  const store = openStore(dbPath);
  const definitions = [customerView, trustScore] as ProjectionDefinition<any>[];
  const types = [...new Set(definitions.flatMap((d) => d.consumes))];
  // As the runner reads: personal values opened only in the types a projection declared.
  const openPersonalData = [...new Set(definitions.flatMap((d) => d.personalData ?? []))];
  const out: Record<string, number> = {};
  const readFirst = async (each: (event: RecordedEvent) => void): Promise<void> => {
    for await (const event of store.readAll({ types, openPersonalData, pageSize: 1000 })) {
      if (event.globalPosition > n) break;
      each(event);
    }
  };
  // Read as a rebuild reads, each event let go once seen (kept, they would be the garbage collector's to move).
  let started = performance.now();
  let read = 0;
  let checksum = 0;
  await readFirst((event) => {
    checksum += event.occurredAt.length;
    read++;
  });
  out.read = read / ((performance.now() - started) / 1000);
  if (checksum === 0) throw new Error('nothing read');
  // The same events held in memory, untimed, for the handlers alone.
  const events: RecordedEvent[] = [];
  await readFirst((event) => events.push(event));
  // Each part starts on a collected heap (the child runs with --expose-gc): a full collection of the
  // 300,000 events held, falling in one part or another by chance, had made the plain handlers' time
  // vary 2x from run to run.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  // The handlers on plain objects the fold owns, as the runtime folds now; the median of 3.
  const plainRates: number[] = [];
  for (let round = 0; round < 3; round++) {
    collect();
    started = performance.now();
    for (const definition of definitions) {
      const states = new Map<string, unknown>();
      const handlers = definition.handlers as Record<string, (draft: unknown, event: RecordedEvent) => unknown>;
      for (const event of events) {
        const handler = handlers[event.type];
        if (!handler) continue;
        let state = states.get(event.streamId);
        if (!state) states.set(event.streamId, (state = structuredClone(definition.initialState)));
        handler(state, event);
      }
    }
    plainRates.push(events.length / ((performance.now() - started) / 1000));
  }
  out.plain = median(plainRates);
  // The same handlers through immer drafts, one open draft per partition, as the runtime folded until it owned its states: what immer's proxies cost.
  collect();
  started = performance.now();
  for (const definition of definitions) {
    const drafts = new Map<string, ReturnType<typeof immer.createDraft>>();
    const handlers = definition.handlers as Record<string, (draft: unknown, event: RecordedEvent) => unknown>;
    for (const event of events) {
      const handler = handlers[event.type];
      if (!handler) continue;
      let draft = drafts.get(event.streamId);
      if (!draft) drafts.set(event.streamId, (draft = immer.createDraft(definition.initialState as object)));
      handler(draft, event);
    }
    for (const draft of drafts.values()) immer.finishDraft(draft);
  }
  out.immer = events.length / ((performance.now() - started) / 1000);
  console.log(JSON.stringify({ events: events.length, ...out }));
  process.exit(0);
}

const replayAt = process.argv.indexOf('--replay');
if (replayAt !== -1) {
  // Child: what \`project run <module>\` folds, over all history, in a process of its own.
  const [dbPath, modulePath] = process.argv.slice(replayAt + 1) as [string, string];
  const threadsAt = process.argv.indexOf('--threads');
  // Node's compile cache on, as bin/roc-ledger.js turns it on for every command (threads load their modules from it).
  const cache = enableCompileCache();
  if (cache.directory) process.env.NODE_COMPILE_CACHE = cache.directory;
  const store = openStore(dbPath);
  const definition = (await import(modulePath)).default as ProjectionDefinition<unknown>;
  const started = performance.now();
  // --threads N: as \`project run\` folds a per-customer module on a ledger this large, a shard of the customers on each thread.
  const folder = threadsAt === -1 ? undefined : tempDir('project-run');
  const onThreads = async () => {
    const readModelsPath = folder!.file('readmodels.db');
    const head = await store.head();
    const threads = Number(process.argv[threadsAt + 1]);
    const data = { dbPath, readModelsPath, unsealed, module: fileURLToPath(modulePath) };
    const replayed = await replayOnThreads([definition], { backfill: { module: import.meta.resolve('./lib/backfillContext.ts'), data }, readModelsPath, threads, until: head });
    if (!replayed) throw new Error('a shard did not reach the head');
    return { readModels: replayed.readModels, key: replayed.keys[0]! };
  };
  const { readModels, key } = threadsAt === -1 ? await replayAll(store, definition) : await onThreads();
  let partitions = 0;
  for await (const _ of readModels.partitions(key)) partitions++;
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ events: (await store.head()).position, seconds, partitions, rss: peakRssMb() }));
  await readModels.close();
  folder?.remove();
  process.exit(0);
}

const exportAt = process.argv.indexOf('--export');
if (exportAt !== -1) {
  // Child: \`roc-ledger export --out <file>\` over the whole ledger, the command's own code in a process of its own.
  const [dataDir, out] = process.argv.slice(exportAt + 1) as [string, string];
  const { exportCommand } = await import('../packages/cli/src/commands/exportCommand.ts');
  const started = performance.now();
  await exportCommand({ dataDir, out });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ seconds, bytes: statSync(out).size, rss: peakRssMb() }));
  process.exit(0);
}

const rebuildAt = process.argv.indexOf('--rebuild');
if (rebuildAt !== -1) {
  // Child: one rebuild from nothing to the head, in a process of its own so that its peak RSS is its own.
  const [dbPath, readModelsPath] = process.argv.slice(rebuildAt + 1) as [string, string];
  const store = openStore(dbPath);
  const readModels = getSqliteReadModelStore(readModelsPath);
  // Node's compile cache on, as bin/roc-ledger.js turns it on for `serve` (its threads load their modules from it).
  const cache = enableCompileCache();
  if (cache.directory) process.env.NODE_COMPILE_CACHE = cache.directory;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  // As `serve` rebuilds: on backfill threads, one per core, a shard of the customers each (--threads N: that many;
  // --one-thread: all in this runtime's runner).
  const threadsAt = process.argv.indexOf('--threads');
  const threads = threadsAt === -1 ? {} : { threads: Number(process.argv[threadsAt + 1]) };
  const backfill = process.argv.includes('--one-thread') ? {} : { backfill: { ...backfillOf(dbPath, readModelsPath), ...threads } };
  const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore], ...backfill });
  await runtime.start();
  const head = await store.head();
  await runtime.waitFor(head.position);
  const seconds = (performance.now() - started) / 1000;
  // The process's CPU over the rebuild, every thread's (the runtime's, the shard threads', V8's helpers').
  const cpu = process.cpuUsage(cpuBefore);
  await runtime.stop();
  console.log(JSON.stringify({ events: head.position, seconds, cpu: (cpu.user + cpu.system) / 1e6, rss: peakRssMb() }));
  process.exit(0);
}

const liveAt = process.argv.indexOf('--live');
if (liveAt !== -1) {
  // Child: the runtime caught up over the whole ledger, then live traffic, in a process of its own as
  // `serve` would be (not one that has held the bench's million events in memory).
  const [dbPath, readModelsPath] = process.argv.slice(liveAt + 1) as [string, string];
  const liveRuns = argValue('runs', 3);
  const liveYears = argValue('years', 3);
  const store = openStore(dbPath, () => new Date());
  const readModels = getSqliteReadModelStore(readModelsPath);
  // Caught up as `serve` catches up: on backfill threads, whose heaps go when they end (BENCH_LIVE_IN_PROCESS=1: in this runtime's own runner).
  const inProcess = process.env.BENCH_LIVE_IN_PROCESS === '1';
  const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore], ...(inProcess ? {} : { backfill: backfillOf(dbPath, readModelsPath) }) });
  await runtime.start();
  await runtime.waitFor((await store.head()).position);
  // The identity resolver folded from the whole sealed log: what `serve` does at every start.
  const opening = performance.now();
  const ingestor = await Ingestor.open({ store, contract });
  const openSeconds = (performance.now() - opening) / 1000;
  const openedAt = await store.head();
  emit({ case: 'identity-index-open', impl: `roc-ledger${variant}`, events: openedAt.position, seconds: openSeconds, events_per_s: openedAt.position / openSeconds, runs: 1, note: 'Ingestor.open: where each stream begins, then the identity events alone, only the linked identifiers opened' });
  // `runs` rounds of 10 s each, new customers every round; the round with the median p99 is reported.
  const offer = async (round: number) => {
    const perTick = 20; // every 10 ms
    // Generated before the round: a channel's events arrive from outside, and the generator's start
    // (2,000 new customers, each seeded by a hash) held this event loop for ~150 ms, the first
    // second's worst lags (its p99 245-442 ms where the seconds after were 50-140 ms).
    const live = generateDemo({ customers: 2000, years: 1, seed: `bench-live-${round}`, start: '2025-01-01' }).take(perTick * 1000).toArray().values();
    const lags: number[] = [];
    const started = performance.now();
    const pending: Promise<void>[] = [];
    for (let tick = 0; tick < 1000; tick++) {
      const due = started + tick * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      for (let i = 0; i < perTick; i++) {
        const next = live.next();
        if (next.done) break;
        const sent = performance.now();
        pending.push(
          ingestor.ingest(contract.parse(next.value.event)).then(async (result) => {
            await runtime.waitFor(result.globalPosition);
            lags.push(performance.now() - sent);
          }),
        );
      }
    }
    await Promise.all(pending);
    return { lags, seconds: (performance.now() - started) / 1000, p99: percentile(lags, 99) };
  };
  const { lags, seconds, p99, all } = await medianRun(liveRuns, offer, (r) => r.p99);
  emit({ case: 'projection-live-lag', impl: `roc-ledger${variant}`, events: lags.length, seconds, events_per_s: lags.length / seconds, p50_ms: percentile(lags, 50), p99_ms: p99, worst_round_p99_ms: Math.max(...all.map((r) => r.p99)), runs: liveRuns, note: `append (with identity resolution) to both views committed; 2,000 events/s offered for 10 s per round; the round with the median p99 (p99 of each round: ${all.map((r) => r.p99.toFixed(1)).join(', ')} ms)` });

  // As-of queries: one customer's trust score as of a date inside its history, replayed from the log.
  const ids: string[] = [];
  for await (const record of readModels.partitions(projectionKey(trustScore))) if (ids.length < 2000) ids.push(record.partition);
  const times: number[] = [];
  const sources = { stored: 0, replayed: 0 };
  // Garbage-collection pauses while the queries run: what a slow query's time may be spent on.
  const pauses: number[] = [];
  const gc = new PerformanceObserver((list) => pauses.push(...list.getEntries().map((e) => e.duration)));
  gc.observe({ entryTypes: ['gc'] });
  for (let i = 0; i < 500; i++) {
    // A date inside the simulated history (it starts on 2023-01-01), so that the cut is replayed.
    const asOf = new Date(Date.UTC(2023, 0, 1) + ((i * 7919) % Math.floor(liveYears * 365)) * 86_400_000);
    const t = performance.now();
    const answer = await runtime.query('trust-score', ids[(i * 37) % ids.length]!, { query: 'score', asOf });
    times.push(performance.now() - t);
    if (answer) sources[answer.source]++;
  }
  await new Promise((resolve) => setTimeout(resolve, 50)); // the observer is told of entries on a later turn
  gc.disconnect();
  const slow = times.filter((t) => t > 50).length;
  const gcNote = `; ${slow} of 500 over 50 ms; ${pauses.length} GC pauses meanwhile, ${pauses.filter((d) => d > 20).length} over 20 ms, the longest ${Math.max(0, ...pauses).toFixed(1)} ms`;
  const querySeconds = times.reduce((a, b) => a + b, 0) / 1000;
  emit({ case: 'projection-as-of-query', impl: `roc-ledger${variant}`, events: times.length, seconds: querySeconds, events_per_s: times.length / querySeconds, p50_ms: percentile(times, 50), p99_ms: percentile(times, 99), runs: 1, note: `trust score of one customer as of a date inside its history: ${sources.replayed} replayed, ${sources.stored} from the stored state, ${500 - sources.replayed - sources.stored} before the customer existed${gcNote}` });

  // Finding a customer by an identifier as identity stood on a date (GET /v1/customers?identifier=…&asOf=…).
  const identifiers: CustomerRef[] = [];
  for await (const event of store.readAll({ types: ['IdentifierLinked'], openPersonalData: ['IdentifierLinked'] })) {
    if (identifiers.length === 2000) break;
    identifiers.push((event.data as { identifier: CustomerRef }).identifier);
  }
  const lookups: number[] = [];
  let named = 0;
  for (let i = 0; i < 500; i++) {
    const asOf = new Date(Date.UTC(2023, 0, 1) + ((i * 7919) % Math.floor(liveYears * 365)) * 86_400_000);
    const t = performance.now();
    if ((await ingestor.resolveAt(identifiers[(i * 37) % identifiers.length]!, { asOf })) !== undefined) named++;
    lookups.push(performance.now() - t);
  }
  const lookupSeconds = lookups.reduce((a, b) => a + b, 0) / 1000;
  emit({ case: 'identity-lookup-as-of', impl: `roc-ledger${variant}`, events: lookups.length, seconds: lookupSeconds, events_per_s: lookups.length / lookupSeconds, p50_ms: percentile(lookups, 50), p99_ms: percentile(lookups, 99), runs: 1, note: `one identifier resolved as identity stood on a date inside the history: ${named} named a customer, ${500 - named} nobody yet` });
  await runtime.stop();
  await readModels.close();
  await store.close();
  process.exit(0);
}

const customers = argValue('customers', 20_000);
const years = argValue('years', 3);
const runs = argValue('runs', 3);
const temp = tempDir('projections');
const dbPath = temp.file('events.db');

// The demo history, ingested as it would have arrived (identity resolution, late uploads).
const clock: SimClock = { now: new Date(0) };
{
  const store = openStore(dbPath, () => clock.now);
  await loadDemo(store, clock, { customers, years, seed: 'bench-projections' });
  await store.close();
}

// Plain-file ceiling: the stored events as NDJSON, read line by line and JSON-decoded.
const ndjson = temp.file('events.ndjson');
{
  const store = openStore(dbPath);
  const lines: string[] = [];
  for await (const record of store.readStoredRecords({ pageSize: 4096 })) lines.push(record.body);
  writeFileSync(ndjson, `${lines.join('\n')}\n`);
  lines.length = 0;
  await store.close();
}
// The ledger and the NDJSON file were just written (1.4 GB); the timed runs start with nothing of
// them left for the kernel to write back (at f38f8ef, without this, the rebuild row took 13.1 s
// where the same ledger rebuilt in 9.4-9.8 s by hand minutes later).
spawnSync('sync');
const plain = await medianRun(runs, async () => {
  const started = performance.now();
  let n = 0;
  let checksum = 0;
  for await (const line of createInterface({ input: createReadStream(ndjson), crlfDelay: Number.POSITIVE_INFINITY })) {
    checksum += (JSON.parse(line) as { globalPosition: number }).globalPosition;
    n++;
  }
  if (checksum === 0) throw new Error('nothing read');
  return { seconds: (performance.now() - started) / 1000, n };
});
emit({ case: 'projection-rebuild', impl: `plain-file-ceiling${variant}`, events: plain.n, seconds: plain.seconds, events_per_s: plain.n / plain.seconds, runs, note: 'NDJSON read and JSON.parse only' });

interface Rebuilt {
  events: number;
  seconds: number;
  cpu: number;
  rss: number;
}

/** `copies` rebuild children started together, each in a process of its own, its read models in a file of its own. */
const rebuildChildren = async (copies: number, childFlags: readonly string[], run: number): Promise<Rebuilt[]> =>
  Promise.all(
    Array.from({ length: copies }, async (_, copy) => {
      const readModelsPath = temp.file(`readmodels-${run}-${copy}.db`);
      const child = spawn(process.execPath, [import.meta.filename, '--rebuild', dbPath, readModelsPath, ...childFlags], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const [status] = (await once(child, 'close')) as [number | null];
      if (status !== 0) throw new Error(`rebuild child failed: ${status}`);
      rmSync(readModelsPath, { force: true });
      return JSON.parse(out.trim().split('\n').pop()!) as Rebuilt;
    }),
  );

const emitRebuild = (impl: string, rebuilds: readonly Rebuilt[], note: string, copies = 1) => {
  const seconds = median(rebuilds.map((r) => r.seconds));
  const events = rebuilds[0]!.events * copies;
  emit({
    case: 'projection-rebuild',
    impl,
    events,
    seconds,
    events_per_s: events / seconds,
    peak_rss_mb: Math.max(...rebuilds.map((r) => r.rss)),
    cpu_seconds: median(rebuilds.map((r) => r.cpu)),
    runs: rebuilds.length / copies,
    note: `${note}; ${((plain.seconds / (seconds / copies)) * 100).toFixed(0)}% of the plain-file ceiling`,
  });
};

const rebuild = async (impl: string, note: string, childFlags: string[] = []) => {
  const rebuilds: Rebuilt[] = [];
  for (let i = 0; i < runs; i++) rebuilds.push(...(await rebuildChildren(1, childFlags, i)));
  emitRebuild(impl, rebuilds, note);
};
await rebuild(`roc-ledger${variant}`, `customer-view + trust-score from nothing to the head, SQLite read models, backfilled as serve does: on one thread per core (${Math.min(BACKFILL_THREADS_MAX, availableParallelism())} here), each folding both projections for its shard of the customers and reading only its shard's streams`);
await rebuild(`roc-ledger-one-backfill-thread${variant}`, 'the same on one backfill thread folding both projections for every customer', ['--threads', '1']);

// What the machine's second core gives this work, whoever splits it: the one-thread rebuild alone,
// and two copies of it at once in two processes (sharing only the machine: the ledger file they read, the disk),
// alternated round by round (at least 5: other tenants' load moves each side by a tenth or more).
// The pair's row: its wall time (the later of the two) and each copy's CPU.
{
  const rounds = Math.max(runs, 5);
  const alone: Rebuilt[] = [];
  const pairs: Rebuilt[] = [];
  /** Each pair's wall time: until the later of its two copies ended. */
  const pairSeconds: number[] = [];
  for (let i = 0; i < rounds; i++) {
    alone.push(...(await rebuildChildren(1, ['--one-thread'], i)));
    const pair = await rebuildChildren(2, ['--one-thread'], i);
    pairSeconds.push(Math.max(...pair.map((copy) => copy.seconds)));
    pairs.push(...pair.map((copy) => ({ ...copy, seconds: pairSeconds.at(-1)! })));
  }
  const listed = (values: readonly number[]) => values.map((v) => v.toFixed(1)).join(', ');
  emitRebuild(`roc-ledger-one-thread${variant}`, alone, `the same, both projections folded on the runtime's own thread (${rounds} runs, alternated with the pairs below: ${listed(alone.map((r) => r.seconds))} s)`);
  const cpuAlone = median(alone.map((r) => r.cpu));
  const cpuPaired = median(pairs.map((r) => r.cpu));
  const gain = (2 * median(alone.map((r) => r.seconds))) / median(pairSeconds);
  emitRebuild(
    `two-one-thread-rebuilds-at-once${variant}`,
    pairs,
    `two copies of the one-thread rebuild started together, each in a process of its own (${rounds} pairs: ${listed(pairSeconds)} s): each copy ${cpuPaired.toFixed(2)} s of CPU against ${cpuAlone.toFixed(2)} s alone (${signedPercent(cpuPaired, cpuAlone)}); the second core gives this work ${gain.toFixed(2)}×; the share is that of half the pair's time`,
    2,
  );
}

// An analyst's projection over all history, as \`project run\` folds it: on one thread, states in memory (replayAll),
// or, a per-customer module on a ledger of 100,000 events or more, on one thread per core, a shard of the customers each.
const perCustomer = ['./lib/contactsPerCustomer.ts', 'bench/lib/contactsPerCustomer.ts: per customer, events of 12 common types by channel'] as const;
const threadCount = Math.min(BACKFILL_THREADS_MAX, availableParallelism());
for (const variants of [
  [
    ['analyst-per-customer', ...perCustomer, [], 'replayAll from the first event to the head (project run --threads 1)'],
    [`analyst-per-customer-threads`, ...perCustomer, ['--threads', String(threadCount)], `replayOnThreads, ${threadCount} threads, a shard of the customers each, into a SQLite file (project run's default here)`],
  ],
  [['analyst-global', '../examples/complaint-resolution.ts', 'examples/complaint-resolution.ts: one state, the two complaint types', [], 'replayAll from the first event to the head']],
] as const) {
  // The variants of one module alternate, run by run.
  const replays = variants.map(() => [] as { events: number; seconds: number; partitions: number; rss: number }[]);
  for (let i = 0; i < runs; i++) {
    variants.forEach(([, module, , flags], v) => {
      const child = spawnSync(process.execPath, [import.meta.filename, '--replay', dbPath, import.meta.resolve(module), ...flags], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
      if (child.status !== 0) throw new Error(`replay child failed: ${child.status}`);
      replays[v]!.push(JSON.parse(child.stdout.trim().split('\n').pop()!));
    });
  }
  variants.forEach(([impl, , note, , how], v) => {
    const done = replays[v]!;
    const seconds = median(done.map((r) => r.seconds));
    emit({ case: 'project-run', impl: `${impl}${variant}`, events: done[0]!.events, seconds, events_per_s: done[0]!.events / seconds, peak_rss_mb: Math.max(...done.map((r) => r.rss)), runs, note: `${note}; ${done[0]!.partitions.toLocaleString('en-US')} partition(s) stored; ${how}, in a process of its own` });
  });
}

// The log exported for tools outside roc-ledger, as a user runs \`roc-ledger export --out file\` (the data directory holds the bench ledger).
{
  const dataDir = dirname(dbPath);
  writeFileSync(join(dataDir, 'ledger.json'), '{"reportingCurrency":"EUR"}\n');
  const out = temp.file('export.ndjson');
  const exports: { seconds: number; bytes: number; rss: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawnSync(process.execPath, [import.meta.filename, '--export', dataDir, out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`export child failed: ${child.status}`);
    exports.push(JSON.parse(child.stdout.trim().split('\n').pop()!));
    rmSync(out, { force: true });
  }
  const seconds = median(exports.map((e) => e.seconds));
  const store = openStore(dbPath);
  const events = (await store.head()).position;
  await store.close();
  emit({ case: 'export', impl: `roc-ledger${variant}`, events, seconds, events_per_s: events / seconds, peak_rss_mb: Math.max(...exports.map((e) => e.rss)), runs, note: `roc-ledger export --out file: every event as NDJSON, upcast, personal values withheld; ${Math.round(exports[0]!.bytes / 2 ** 20)} MB written` });
}

// Where the time goes: each part alone, on the first 300,000 events (both projections).
{
  const child = spawnSync(process.execPath, ['--expose-gc', import.meta.filename, '--breakdown', dbPath, '300000'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.status !== 0) throw new Error(`breakdown child failed: ${child.status}`);
  const parts = JSON.parse(child.stdout.trim().split('\n').pop()!) as { events: number; read: number; immer: number; plain: number };
  const row = (impl: string, rate: number, note: string) => emit({ case: 'projection-rebuild', impl: `${impl}${variant}`, events: parts.events, seconds: parts.events / rate, events_per_s: rate, runs: 1, note: `breakdown: ${note}; ${(1e6 / rate).toFixed(2)} µs per event` });
  row('read-decode-only', parts.read, 'readAll of the consumed types, decoded and let go (as a rebuild reads), the personal values opened that a projection reads (none: customer-view keeps its by reference), nothing applied');
  row('handlers-on-immer-drafts-only', parts.immer, 'both projections\' handlers on open immer drafts (how the runtime folded before), events in memory, nothing stored');
  row('handlers-on-plain-objects-only', parts.plain, 'the same handlers on plain objects the fold owns (how the runtime folds), events in memory');
}

// \`roc-ledger serve\`'s first start on the ledger, as a user runs it: a process of its own, on a copy with no read models.
{
  const starts: FirstStart[] = [];
  for (let i = 0; i < runs; i++) starts.push(await serveFirstStart(dbPath));
  const live = median(starts.map((s) => s.liveSeconds));
  const head = (() => {
    const store = openStore(dbPath);
    return store.head().finally(() => store.close());
  })();
  const events = (await head).position;
  emit({
    case: 'serve-first-start',
    impl: `roc-ledger${variant}`,
    events,
    seconds: live,
    events_per_s: events / live,
    peak_rss_mb: Math.round(Math.max(...starts.map((s) => s.peakRssMb))),
    runs,
    note: `from the process's start until its projections answer (backfilled on threads); the chain verified after ${starts.map((s) => s.chainSeconds.toFixed(1)).join(', ')} s; peak RSS until 10 s after that (the known-at series being prepared meanwhile): ${starts.map((s) => Math.round(s.peakRssMb)).join(', ')} MB`,
  });
}

// Live: 2,000 events/s ingested (identity resolution included) for 10 s per round, and as-of queries.
{
  const child = spawnSync(process.execPath, [import.meta.filename, '--live', dbPath, temp.file('readmodels-live.db'), '--runs', String(runs), '--years', String(years)], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) throw new Error(`live child failed: ${child.status}`);
}
temp.remove();
