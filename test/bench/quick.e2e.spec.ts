// Every bench case still runs, at the sizes of `npm run bench -- --quick`: a bench that no longer
// runs is a deliverable broken unseen until the next measurement (bench/dashboard.bench.ts was,
// from 644b1b2 to 0129c26). Nothing is timed or compared here: each case must exit 0 and emit
// result lines of the right shape. The HTTP and Kafka cases are left to `npm run bench -- --quick`:
// they load a service on both cores for seconds (the Kafka one starts a second broker), beside the
// rest of the suite; their paths have end-to-end tests of their own (test/http, test/kafka).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchCases } from '../../bench/lib/cases.ts';

const BENCH = join(import.meta.dirname, '..', '..', 'bench');
const LEFT_TO_THE_BENCH_RUN = new Set(['http-ingest.bench.ts', 'kafka-ingest.bench.ts']);

const run = (file: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(BENCH, file), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

describe('the bench cases at quick sizes', () => {
  for (const [file, args] of benchCases(true).filter(([f]) => !LEFT_TO_THE_BENCH_RUN.has(f))) {
    it(`${file} ${args.join(' ')} runs and emits its results`, async () => {
      const { status, stdout, stderr } = await run(file, args);
      expect(status, stderr.slice(-3000)).toBe(0);
      const results = stdout
        .split('\n')
        .filter((line) => line.startsWith('{"case"'))
        .map((line) => JSON.parse(line) as { case: string; impl: string; events: number; seconds: number });
      expect(results.length).toBeGreaterThan(0);
      for (const result of results) {
        expect(result.case.length * result.impl.length).toBeGreaterThan(0);
        expect(result.events).toBeGreaterThan(0);
        expect(Number.isFinite(result.seconds) && result.seconds > 0).toBe(true);
      }
    }, 300_000);
  }
});
