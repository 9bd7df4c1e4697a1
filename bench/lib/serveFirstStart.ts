// `roc-ledger serve`'s first start on a ledger: the process as a user runs it, on a copy of the
// bench's ledger with no read models, until its projections answer and its chain is verified.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'roc-ledger.js');
/** How long the service runs on after its chain is verified (the known-at series are prepared meanwhile). */
const AFTER_CHAIN_MS = 10_000;

export interface FirstStart {
  /** From the process's start until its last projection answered. */
  readonly liveSeconds: number;
  readonly chainSeconds: number;
  readonly peakRssMb: number;
}

/** The process's peak RSS so far (VmHWM), in MB. */
const peakRssOf = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.split(/\s+/)[1]) / 1024 : Number.NaN;
};

/** A data directory as `serve` opens it, holding a copy of the event store and key store beside `dbPath`. */
const dataDirWith = (dbPath: string): string => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-serve-start-'));
  for (const [from, to] of [[dbPath, 'events.db'], [join(dirname(dbPath), 'keys.db'), 'keys.db']] as const) {
    for (const suffix of ['', '-wal']) if (existsSync(from + suffix)) cpSync(from + suffix, join(dir, to + suffix));
  }
  writeFileSync(join(dir, 'ledger.json'), JSON.stringify({ reportingCurrency: 'EUR' }));
  return dir;
};

export const serveFirstStart = async (dbPath: string): Promise<FirstStart> => {
  const dir = dataDirWith(dbPath);
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, '-d', dir, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    let live = Number.NaN;
    // Its log is read to the end (a reader that stopped would end the service's writes).
    const chain = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const msg = line.startsWith('{') ? (JSON.parse(line) as { msg?: string }).msg : undefined;
        if (msg === 'projection version now answers') live = performance.now() - started;
        if (msg === 'chain verified') resolve(performance.now() - started);
        if (msg === 'chain verification failed') reject(new Error('the chain did not verify'));
      });
      child.once('exit', (code) => reject(new Error(`serve exited with ${code} before verifying the chain`)));
    });
    await new Promise((resolve) => setTimeout(resolve, AFTER_CHAIN_MS));
    return { liveSeconds: live / 1000, chainSeconds: chain / 1000, peakRssMb: peakRssOf(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
};
