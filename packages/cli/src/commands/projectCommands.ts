import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { availableParallelism, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { EventStore, LogHead, RecordedEvent } from '@roc-ledger/ledger';
import { BACKFILL_THREADS_MAX, byCustomer, diffStates, keepsShardCheckpoints, projectionKey, replayEach, replayOnThreads, stateForQueries, type Cut, type Progress, type ProjectionDefinition, type ProjectionRow, type ReadModelStore, type Replayed, type ShardRow } from '@roc-ledger/projections';
import { parseInstant } from '../dates.ts';
import { recordCliAccess } from '../accessLog.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openLedger } from '../openLedger.ts';
import { formatTable } from '../output/table.ts';
import { BUILT_IN_PROJECTIONS, openReadModels, projectionFrom } from '../projections.ts';
import { projectRunThreads } from '../projectRunContext.ts';

export interface ProjectRunOptions {
  dataDir?: string;
  asOf?: string;
  knownAt?: string;
  out?: string;
  /** Why personal data is read (recorded in the access log). */
  purpose?: string;
  /** Threads folding a per-customer projection, each for a shard of the customers (1: on this thread). */
  threads?: number;
}

const cutFrom = (options: { asOf?: string; knownAt?: string }): Cut => ({
  ...(options.asOf ? { asOf: parseInstant(options.asOf, '--as-of') } : {}),
  ...(options.knownAt ? { knownAt: parseInstant(options.knownAt, '--known-at') } : {}),
});

/** Position, events/s and ETA of a backfill on a terminal (standard error); nothing when not a terminal. */
const backfillProgress = (label: string, head: number) => {
  if (!process.stderr.isTTY || head === 0) return { update: undefined, stop: () => {} };
  const bar = new SingleBar({ format: `${label} |{bar}| {value}/{total} | {speed} events/s | ETA {eta_formatted}`, stream: process.stderr }, Presets.shades_classic);
  const started = performance.now();
  let last = 0;
  bar.start(head, 0, { speed: 0 });
  return {
    update: (position: number) => {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      bar.update(position, { speed: Math.round(position / ((now - started) / 1000)) });
    },
    stop: () => {
      bar.update(head);
      bar.stop();
    },
  };
};

/** Folds projections over the whole log in one read (in memory, nothing stored in the ledger) and returns their read models. */
const runOver = async (store: EventStore, definitions: ProjectionDefinition<any>[], cut: Cut, upTo: number): Promise<Replayed[]> => {
  const { update, stop } = backfillProgress(definitions.map(projectionKey).join(' and '), upTo);
  try {
    return await replayEach(store, definitions, cut, { upTo, ...(update ? { onEvent: (event: RecordedEvent) => update(event.globalPosition) } : {}) });
  } finally {
    stop();
  }
};

/** From this many events in the log, `project run` folds a per-customer projection on one thread per core unless told otherwise (as `serve` backfills). */
const THREADED_RUN_MIN_EVENTS = 100_000;

/**
 * A per-customer projection folded on threads, each for a shard of the customers, into a SQLite
 * file of its own in a temporary folder (removed by `dispose`): undefined when it was not folded
 * so (one thread asked for, not per customer, or a shard stopped short), and it is then folded here.
 */
const runOnThreads = async (ledger: { store: EventStore; dataDir: string }, module: string, definition: ProjectionDefinition<any>, cut: Cut, head: LogHead, threads: number) => {
  if (threads < 2 || !byCustomer(definition)) return undefined;
  const folder = mkdtempSync(join(tmpdir(), 'roc-project-run-'));
  const dispose = () => rmSync(folder, { recursive: true, force: true });
  const readModelsPath = join(folder, 'readmodels.db');
  const builtIn = BUILT_IN_PROJECTIONS.some((p) => p.name === module);
  const { update, stop } = backfillProgress(`${projectionKey(definition)} on ${threads} threads`, head.position);
  try {
    const replayed = await replayOnThreads(definition, {
      backfill: projectRunThreads({ dataDir: ledger.dataDir, module: builtIn ? module : resolve(module), readModelsPath }),
      readModelsPath,
      threads,
      until: { position: head.position, recordedAt: head.recordedAt },
      cut,
      ...(update ? { onProgress: (progress: Progress) => update(progress.position) } : {}),
    });
    if (!replayed) dispose();
    return replayed && { ...replayed, read: undefined, dispose };
  } catch (error) {
    dispose();
    throw error;
  } finally {
    stop();
  }
};

const csvCell = (value: unknown): string => {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The result as rows: a projection's `rows` query when it has one, else one row per partition. */
const resultRows = async (store: EventStore, definition: ProjectionDefinition<any>, readModels: ReadModelStore, key: string, at: Date): Promise<Record<string, unknown>[]> => {
  const partitions: { partition: string; state: unknown }[] = [];
  for await (const record of readModels.partitions(key)) partitions.push({ partition: record.partition, state: JSON.parse(record.state) });
  // As the service's queries see them: personal values the projection keeps by reference opened from the log, all in one read.
  const rows: Record<string, unknown>[] = [];
  for (const { partition, state } of await stateForQueries(store, definition, partitions)) {
    const custom = definition.queries?.rows;
    if (custom) rows.push(...(custom(state, { at, partition }) as Record<string, unknown>[]));
    else rows.push({ partition, ...(typeof state === 'object' && state !== null && !Array.isArray(state) ? state : { state }) });
  }
  return rows;
};

const writeOut = async (path: string | undefined, chunks: Iterable<string>) => {
  const out = path ? createWriteStream(path) : process.stdout;
  for (const chunk of chunks) if (!out.write(chunk)) await once(out, 'drain');
  if (path) {
    out.end();
    await once(out, 'finish');
  }
};

/**
 * `project run <module>`: an analyst's projection over all history (or a cut of it), with
 * progress, written as JSON, CSV or NDJSON (by the --out extension; NDJSON to standard output).
 */
export const projectRunCommand = async (module: string, options: ProjectRunOptions): Promise<number> => {
  const definition = await projectionFrom(module);
  const cut = cutFrom(options);
  const format = options.out ? extname(options.out).slice(1) : 'ndjson';
  if (!['json', 'csv', 'ndjson'].includes(format)) throw new CliError(CliErrorCode.invalidOutput, `--out ${options.out}: the file must end in .json, .csv or .ndjson`);
  const ledger = openLedger(options.dataDir);
  try {
    const head = await ledger.store.head();
    const threads = options.threads ?? (head.position >= THREADED_RUN_MIN_EVENTS ? Math.min(BACKFILL_THREADS_MAX, availableParallelism()) : 1);
    const started = performance.now();
    const onThreads = await runOnThreads(ledger, module, definition, cut, head, threads);
    const { readModels, key, position, read } = onThreads ?? (await runOver(ledger.store, [definition], cut, head.position))[0]!;
    const seconds = (performance.now() - started) / 1000;
    const rows = await resultRows(ledger.store, definition, readModels, key, cut.asOf ?? new Date()).finally(async () => {
      await readModels.close();
      onThreads?.dispose();
    });
    await recordCliAccess(ledger.dataDir, options.purpose, '*', `project run ${key}`);
    if (format === 'json') {
      await writeOut(options.out, [`${JSON.stringify({ projection: key, position, asOf: cut.asOf?.toISOString() ?? null, knownAt: cut.knownAt?.toISOString() ?? null, rows }, null, 2)}\n`]);
    } else if (format === 'ndjson') {
      await writeOut(options.out, rows.map((row) => `${JSON.stringify(row)}\n`));
    } else {
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      await writeOut(options.out, [`${columns.join(',')}\n`, ...rows.map((row) => `${columns.map((c) => csvCell(row[c])).join(',')}\n`)]);
    }
    const folded = onThreads ? `to position ${position} on ${threads} threads (a shard of the customers each)` : `${read} event(s) of the types it reads, to position ${position}`;
    process.stderr.write(`${key}: ${folded}, in ${seconds.toFixed(1)} s; ${rows.length} row(s)${options.out ? ` written to ${resolve(options.out)}` : ''}\n`);
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};

/** `project diff <a> <b>`: two projections (versions) over the same history, compared partition by partition. Exit 0 when equal, 7 when they differ. */
export const projectDiffCommand = async (a: string, b: string, options: { dataDir?: string; json?: boolean; limit?: number }): Promise<number> => {
  const [left, right] = [await projectionFrom(a), await projectionFrom(b)];
  const ledger = openLedger(options.dataDir);
  try {
    const upTo = (await ledger.store.head()).position;
    const runs = await runOver(ledger.store, [left, right], {}, upTo);
    const diff = await diffStates(runs.map((run) => ({ store: run.readModels, key: run.key })), options.limit ?? 10);
    for (const run of runs) await run.readModels.close();
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ a: runs[0]!.key, b: runs[1]!.key, position: upTo, ...diff }, null, 2)}\n`);
    } else {
      process.stdout.write(`${runs[0]!.key} and ${runs[1]!.key} over positions 1..${upTo}: ${diff.partitions.a} and ${diff.partitions.b} partition(s), ${diff.differing} differ\n`);
      for (const d of diff.differences) process.stdout.write(`  ${d.partition}: ${d.paths.slice(0, 8).join(', ')}${d.paths.length > 8 ? ` (+${d.paths.length - 8})` : ''}\n`);
    }
    return diff.differing === 0 ? ExitCode.ok : ExitCode.differs;
  } finally {
    await ledger.store.close();
  }
};

/** `project status`: each stored projection version, its checkpoint and lag behind the log. */
export const projectStatusCommand = async (options: { dataDir?: string; json?: boolean }): Promise<number> => {
  const ledger = openLedger(options.dataDir);
  const readModels = await openReadModels(ledger.dataDir);
  try {
    const head = await ledger.store.head();
    const rows: (ProjectionRow & { lagEvents: number; shards?: ShardRow[] })[] = [];
    for (const row of await readModels.rows()) {
      // Sharded projectors (serve --role projector --shards N), or backfill threads a shard each: each shard's checkpoint (and holder).
      const shards = keepsShardCheckpoints(readModels) ? await readModels.shardRows(row.key) : [];
      rows.push({ ...row, lagEvents: Math.max(0, head.position - row.position), ...(shards.length > 0 ? { shards } : {}) });
    }
    if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      process.stdout.write(
        `${formatTable(
          ['projection', 'status', 'answers', 'position', 'lag (events)', 'error'],
          rows.map((r) => [r.key, r.status, r.active ? 'yes' : 'no', String(r.position), String(r.lagEvents), r.error ? String(r.error.message ?? '') : '']),
        )}\n`,
      );
      const shards = rows.flatMap((r) => (r.shards ?? []).map((s) => [r.key, `${s.index + 1}/${s.count}`, s.status, String(s.position), s.owner ?? '(none)']));
      if (shards.length > 0) process.stdout.write(`\n${formatTable(['projection', 'shard', 'status', 'position', 'held by'], shards)}\n`);
    }
    return ExitCode.ok;
  } finally {
    await readModels.close();
    await ledger.store.close();
  }
};

/** `project add <module>`: registers an analyst's module with the running service, which backfills it and keeps it current. */
export const projectAddCommand = async (module: string, options: { url: string; apiKey?: string }): Promise<number> => {
  const definition = await projectionFrom(module); // fail here, with the module's own error, before asking the service
  const apiKey = options.apiKey ?? process.env.ROC_LEDGER_API_KEY;
  if (!apiKey) throw new CliError(CliErrorCode.invalidConfig, 'an admin API key is needed: --api-key or ROC_LEDGER_API_KEY');
  const response = await fetch(new URL('/v1/projections', options.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: JSON.stringify({ module: resolve(module) }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    process.stderr.write(`roc-ledger: the service refused ${projectionKey(definition)}: ${response.status} ${String(body.detail ?? body.title ?? '')}\n`);
    return ExitCode.inputRejected;
  }
  process.stdout.write(`${projectionKey(definition)} registered with ${options.url}; it backfills, then follows new events (GET /v1/projections shows its lag)\n`);
  return ExitCode.ok;
};
