import { execFileSync, execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

/** One measured result: printed as one JSON line, collected by bench/run.ts into docs/benchmarks.md. */
export interface BenchResult {
  case: string;
  impl: string;
  events: number;
  seconds: number;
  events_per_s: number;
  p50_ms?: number;
  p99_ms?: number;
  /** Where a case runs in rounds: the worst round's p99 (p99_ms is the median round's). */
  worst_round_p99_ms?: number;
  peak_rss_mb: number;
  /** CPU time the process spent (user and system, every thread of it), where a case reports it. */
  cpu_seconds?: number;
  runs: number;
  node: string;
  commit: string;
  /** Where it was measured: CPUs, memory, disk, Node, OS. */
  machine?: string;
  note?: string;
}

/** This machine, as the results and docs/benchmarks.md name it. */
export const machineDescription = (): string => {
  const disk = (() => {
    try {
      return execFileSync('df', ['-hT', import.meta.dirname], { encoding: 'utf8' }).split('\n')[1]!.split(/\s+/).slice(0, 2).join(' ');
    } catch {
      return 'unknown';
    }
  })();
  return `${cpus().length} × ${cpus()[0]!.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, disk ${disk}, Node ${process.version}, ${process.platform}`;
};

let commitCache: string | undefined;
const commit = () => {
  commitCache ??= (() => {
    try {
      return execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return commitCache;
};

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** How much `value` is above (+) or below (-) `base`, in whole percent. */
export const signedPercent = (value: number, base: number): string => {
  const change = ((value - base) / base) * 100;
  return `${change >= 0 ? '+' : '-'}${Math.abs(change).toFixed(0)} %`;
};

export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** Peak resident set of this process so far, in MB. */
export const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export const emit = (result: Omit<BenchResult, 'node' | 'commit' | 'peak_rss_mb'> & { peak_rss_mb?: number }): void => {
  const full: BenchResult = {
    ...result,
    seconds: round(result.seconds, 4),
    events_per_s: Math.round(result.events_per_s),
    ...(result.p50_ms !== undefined ? { p50_ms: round(result.p50_ms) } : {}),
    ...(result.p99_ms !== undefined ? { p99_ms: round(result.p99_ms) } : {}),
    ...(result.worst_round_p99_ms !== undefined ? { worst_round_p99_ms: round(result.worst_round_p99_ms) } : {}),
    ...(result.cpu_seconds !== undefined ? { cpu_seconds: round(result.cpu_seconds, 2) } : {}),
    peak_rss_mb: result.peak_rss_mb ?? peakRssMb(),
    node: process.version,
    commit: commit(),
    machine: machineDescription(),
  };
  console.log(JSON.stringify(full));
};

/** Runs `measure` `runs` times and returns the run with the median duration (or the median of `by`), and every run's. */
export const medianRun = async <T extends { seconds: number }>(runs: number, measure: (run: number) => Promise<T>, by: (result: T) => number = (r) => r.seconds): Promise<T & { runs: number; all: T[] }> => {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure(i));
  const sorted = [...results].sort((a, b) => by(a) - by(b));
  return { ...sorted[(sorted.length - 1) >> 1]!, runs, all: results };
};

export const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
