import { extname, resolve } from 'node:path';
import type { EventStore } from '@roc-ledger/ledger';
import { differingLeaves, diffStates, keepsShardCheckpoints, projectionKey, stateForQueries, type PartitionDifference, type ProjectionDefinition, type ProjectionRow, type ReadModelStore, type ShardRow } from '@roc-ledger/projections';
import { parseCut } from '../dates.ts';
import { recordCliAccess } from '../accessLog.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openLedger } from '../openLedger.ts';
import { formatTable } from '../output/table.ts';
import { csvLine } from '../output/csv.ts';
import { writeOut } from '../output/writeOut.ts';
import { openReadModels, projectionFrom } from '../projections.ts';
import { foldProjections } from '../projectFolding.ts';

export interface ProjectRunOptions {
  dataDir?: string;
  asOf?: string;
  knownAt?: string;
  out?: string;
  /** Why personal data is read (recorded in the access log). */
  purpose?: string;
  /** Threads folding a per-customer projection, each for a shard of the customers (1: on this thread; default see foldProjections). */
  threads?: number;
}

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

/**
 * `project run <module>`: an analyst's projection over all history (or a cut of it), with
 * progress, written as JSON, CSV or NDJSON (by the --out extension; NDJSON to standard output).
 */
export const projectRunCommand = async (module: string, options: ProjectRunOptions): Promise<number> => {
  const definition = await projectionFrom(module);
  const cut = parseCut(options);
  const format = options.out ? extname(options.out).slice(1) : 'ndjson';
  if (!['json', 'csv', 'ndjson'].includes(format)) throw new CliError(CliErrorCode.invalidOutput, `--out ${options.out}: the file must end in .json, .csv or .ndjson`);
  const ledger = openLedger(options.dataDir);
  try {
    const head = await ledger.store.head();
    const started = performance.now();
    const folded = await foldProjections(ledger, [module], [definition], cut, head, options.threads);
    const seconds = (performance.now() - started) / 1000;
    const { readModels, key } = folded.folds[0]!;
    const position = folded.position;
    const rows = await resultRows(ledger.store, definition, readModels, key, cut.asOf ?? new Date()).finally(() => folded.close());
    await recordCliAccess(ledger.dataDir, options.purpose, '*', `project run ${key}`);
    if (format === 'json') {
      await writeOut(options.out, [`${JSON.stringify({ projection: key, position, asOf: cut.asOf?.toISOString() ?? null, knownAt: cut.knownAt?.toISOString() ?? null, rows }, null, 2)}\n`]);
    } else if (format === 'ndjson') {
      await writeOut(options.out, rows.map((row) => `${JSON.stringify(row)}\n`));
    } else {
      const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
      await writeOut(options.out, [csvLine(columns), ...rows.map((row) => csvLine(columns.map((c) => row[c])))]);
    }
    process.stderr.write(`${key}: ${folded.how}, in ${seconds.toFixed(1)} s; ${rows.length} row(s)${options.out ? ` written to ${resolve(options.out)}` : ''}\n`);
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};

/** A value as the diff shows it: its JSON, cut short. */
const shortJson = (value: unknown): string => {
  if (value === undefined) return '(none)';
  const json = JSON.stringify(value);
  return json.length > 40 ? `${json.slice(0, 39)}…` : json;
};

/** One partition's difference on a line: each differing path with both sides' values (the first 8), or which side lacks it. */
const describeDifference = (d: PartitionDifference): string => {
  if (d.a === undefined || d.b === undefined) return d.paths.join(', ');
  const leaves = differingLeaves(d.a, d.b);
  return `${leaves.slice(0, 8).map((leaf) => `${leaf.path} ${shortJson(leaf.a)} → ${shortJson(leaf.b)}`).join('; ')}${leaves.length > 8 ? ` (+${leaves.length - 8} more)` : ''}`;
};

/** `project diff <a> <b>`: two projections (versions) over the same history, compared partition by partition. Exit 0 when equal, 7 when they differ. */
export const projectDiffCommand = async (a: string, b: string, options: { dataDir?: string; json?: boolean; limit?: number; threads?: number }): Promise<number> => {
  const [left, right] = [await projectionFrom(a), await projectionFrom(b)];
  const ledger = openLedger(options.dataDir);
  try {
    const head = await ledger.store.head();
    const upTo = head.position;
    const folded = await foldProjections(ledger, [a, b], [left, right], {}, head, options.threads);
    const runs = folded.folds;
    const diff = await diffStates(runs.map((run) => ({ store: run.readModels, key: run.key })), options.limit ?? 10).finally(() => folded.close());
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ a: runs[0]!.key, b: runs[1]!.key, position: upTo, ...diff }, null, 2)}\n`);
    } else {
      process.stdout.write(`${runs[0]!.key} and ${runs[1]!.key} over positions 1..${upTo}: ${diff.partitions.a} and ${diff.partitions.b} partition(s), ${diff.differing} differ\n`);
      for (const d of diff.differences) process.stdout.write(`  ${d.partition}: ${describeDifference(d)}\n`);
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
    // An analyst's module (project add, removable with project remove): its path; the others are built in.
    const modules = new Map((await readModels.modules()).map((m) => [m.name, m.path]));
    const rows: (ProjectionRow & { lagEvents: number; module: string | null; shards?: ShardRow[] })[] = [];
    for (const row of await readModels.rows()) {
      // Sharded projectors (serve --role projector --shards N), or backfill threads a shard each: each shard's checkpoint (and holder).
      const shards = keepsShardCheckpoints(readModels) ? await readModels.shardRows(row.key) : [];
      rows.push({ ...row, lagEvents: Math.max(0, head.position - row.position), module: modules.get(row.name) ?? null, ...(shards.length > 0 ? { shards } : {}) });
    }
    if (options.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else {
      process.stdout.write(
        `${formatTable(
          ['projection', 'status', 'answers', 'position', 'lag (events)', 'module', 'error'],
          rows.map((r) => [r.key, r.status, r.active ? 'yes' : 'no', String(r.position), String(r.lagEvents), r.module ?? '(built in)', r.error ? String(r.error.message ?? '') : '']),
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

interface ServiceOptions {
  url: string;
  apiKey?: string;
}

/** An admin request to the running service: its JSON answer, or undefined once the refusal is reported. */
const askService = async (options: ServiceOptions, method: 'POST' | 'DELETE', path: string, what: string, body?: unknown): Promise<Record<string, unknown> | undefined> => {
  const apiKey = options.apiKey ?? process.env.ROC_LEDGER_API_KEY;
  if (!apiKey) throw new CliError(CliErrorCode.invalidConfig, 'an admin API key is needed: --api-key or ROC_LEDGER_API_KEY');
  const response = await fetch(new URL(path, options.url), {
    method,
    headers: { 'x-api-key': apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.ok) return answer;
  process.stderr.write(`roc-ledger: the service refused ${what}: ${response.status} ${String(answer.code ?? '')} ${String(answer.detail ?? answer.title ?? '')}\n`);
  return undefined;
};

/** `project add <module>`: registers an analyst's module with the running service, which backfills it and keeps it current. */
export const projectAddCommand = async (module: string, options: ServiceOptions): Promise<number> => {
  const definition = await projectionFrom(module); // fail here, with the module's own error, before asking the service
  if (!(await askService(options, 'POST', '/v1/projections', projectionKey(definition), { module: resolve(module) }))) return ExitCode.inputRejected;
  process.stdout.write(`${projectionKey(definition)} registered with ${options.url}; it backfills, then follows new events (GET /v1/projections shows its lag)\n`);
  return ExitCode.ok;
};

/** `project remove <name>`: the running service stops folding an analyst's module, removes its states and unregisters it. */
export const projectRemoveCommand = async (name: string, options: ServiceOptions): Promise<number> => {
  const answer = await askService(options, 'DELETE', `/v1/projections/${encodeURIComponent(name)}`, `to remove ${name}`);
  if (!answer) return ExitCode.inputRejected;
  const versions = answer.versions as string[];
  process.stdout.write(`${name} removed from ${options.url}${versions.length > 0 ? ` (${versions.join(', ')} stopped, their states removed)` : ''}; a restart no longer loads it\n`);
  return ExitCode.ok;
};
