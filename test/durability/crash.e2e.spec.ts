import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyLog } from '@roc-ledger/ledger';
import { collect } from '@roc-ledger/ledger/testing';
import { openStore, tempDataDir } from '../support/tempLedger.ts';

const writerScript = join(import.meta.dirname, '..', 'support', 'writerProcess.ts');

const runWriter = (args: string[]) => {
  const child = spawn(process.execPath, [writerScript, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
};

describe('an acknowledged append survives kill -9', () => {
  let temp: ReturnType<typeof tempDataDir>;
  afterEach(() => temp.cleanup());

  it('finds every acknowledged event at its acknowledged position after the writer is killed mid-stream', async () => {
    temp = tempDataDir();
    const acknowledged = new Map<string, number>();
    const { child, lines, exited } = runWriter(['ack', temp.dbPath]);
    for await (const line of lines) {
      const [, eventId, position] = line.split(' ');
      acknowledged.set(eventId!, Number(position));
      if (acknowledged.size === 1500) child.kill('SIGKILL');
    }
    await exited;
    expect(acknowledged.size).toBeGreaterThanOrEqual(1500);

    const store = openStore(temp.dbPath);
    try {
      const stored = new Map((await collect(store.readAll())).map((e) => [e.eventId, e.globalPosition]));
      for (const [eventId, position] of acknowledged) expect(stored.get(eventId), eventId).toBe(position);
      expect(await verifyLog(store.readStoredRecords())).toMatchObject({ ok: true });
    } finally {
      await store.close();
    }
  });
});

describe('8 writer processes racing on one stream', () => {
  let temp: ReturnType<typeof tempDataDir>;
  afterEach(() => temp.cleanup());

  it('lets exactly one writer win each revision', async () => {
    temp = tempDataDir();
    const events = 60;
    const writers = Array.from({ length: 8 }, (_, i) => runWriter(['race', temp.dbPath, 'customer-race', String(events), `w${i}`]));
    const wins: number[] = [];
    let losses = 0;
    let ready = 0;
    let go: () => void;
    const allReady = new Promise<void>((resolve) => (go = resolve));
    const finished = Promise.all(
      writers.map(async ({ lines, exited }) => {
        for await (const line of lines) {
          const [kind, revision] = line.split(' ');
          if (kind === 'READY' && ++ready === writers.length) go();
          if (kind === 'WIN') wins.push(Number(revision));
          if (kind === 'LOSS') losses++;
        }
        expect(await exited).toBe(0);
      }),
    );
    // Start them together, so that they really compete for each revision.
    await allReady;
    for (const { child } of writers) child.stdin!.end('go\n');
    await finished;
    expect(wins.sort((a, b) => a - b)).toEqual(Array.from({ length: events }, (_, i) => i));
    expect(losses).toBeGreaterThan(0);

    const store = openStore(temp.dbPath);
    try {
      const { events: stored } = await store.readStream('customer-race');
      expect(stored.map((e) => e.streamRevision)).toEqual(Array.from({ length: events }, (_, i) => i));
      expect(new Set(stored.map((e) => e.source)).size).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });
});
