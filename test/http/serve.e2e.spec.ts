import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { interaction } from '@roc-ledger/ledger/testing';
import { bin, cli } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';


describe('roc-ledger serve', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('serves over a real port and, on SIGTERM, finishes requests in flight, stores every acknowledged event and exits 0', async () => {
    const created = cli(temp.dir, ['keys', 'create', '--id', 'web-shop', '--scope', 'ingest:web', 'read']);
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^rlk_web-shop_/);

    const server = spawn(process.execPath, [bin, '--data-dir', temp.dir, 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = once(server, 'exit');
    let url = '';
    for await (const line of createInterface({ input: server.stderr! })) {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        url = match[1]!;
        break;
      }
    }
    const publish = (event: unknown) =>
      fetch(`${url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(event) });

    const first = await publish(interaction('C1'));
    expect(first.status).toBe(201);

    // 200 requests; SIGTERM once 50 are answered, with the rest in flight.
    const events = Array.from({ length: 200 }, (_, i) => interaction(`C${i % 20}`));
    let answered = 0;
    const inFlight = events.map((e) =>
      publish(e).then(
        (r) => {
          if (++answered === 50) server.kill('SIGTERM');
          return r.status;
        },
        () => 'refused',
      ),
    );
    const statuses = await Promise.all(inFlight);
    const [code] = await exited;
    expect(code).toBe(0);

    const acknowledged = events.filter((_, i) => statuses[i] === 201).map((e) => e.eventId);
    expect(acknowledged.length).toBeGreaterThanOrEqual(50);
    expect(statuses.every((s) => s === 201 || s === 503 || s === 'refused')).toBe(true);
    const stored = new Set<string>();
    for (let c = 0; c < 20; c++) {
      const history = cli(temp.dir, ['history', `C${c}`, '--json']);
      for (const event of JSON.parse(history.stdout || '[]')) stored.add(event.eventId);
    }
    for (const id of acknowledged) expect(stored.has(id), id).toBe(true);
    expect(cli(temp.dir, ['verify']).status).toBe(0);
  }, 120_000); // 22 CLI processes, each about 1.6 s to start on a 2-core machine
});
