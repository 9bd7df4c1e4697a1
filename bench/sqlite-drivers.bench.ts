// node:sqlite vs better-sqlite3 on the embedded store's own statements: the decision behind
// packages/store-sqlite. Same schema, same rows, same process.
// Usage: node bench/sqlite-drivers.bench.ts [--events 100000] [--runs 5]
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createSchema, openPragmas } from '../packages/store-sqlite/src/eventStore/schema.ts';
import { argValue, emit, medianRun, percentile } from './lib/result.ts';
import { demoEvents, freshIds, tempDir } from './lib/workload.ts';

const total = argValue('events', 100_000);
const runs = argValue('runs', 5);
const durableCommits = 2000;

interface Driver {
  exec(sql: string): void;
  prepare(sql: string): { run(...args: unknown[]): unknown; all(...args: unknown[]): unknown[] };
  close(): void;
}

const require = createRequire(join(import.meta.dirname, 'peers', 'package.json'));
const drivers: [string, (path: string) => Driver][] = [['node:sqlite', (path) => new DatabaseSync(path) as unknown as Driver]];
try {
  const Better = require('better-sqlite3');
  drivers.push(['better-sqlite3', (path) => new Better(path) as Driver]);
} catch {
  console.error('better-sqlite3: not installed (npm run bench:setup); skipped');
}

// As in append-batch: each group of 100 consecutive events belongs to one stream.
const rows = freshIds(demoEvents(total)).map((e, i) => [i + 1, `customer-b${Math.floor(i / 100) % 500}`, Math.floor(i / 50_000) * 100 + (i % 100), e.eventId, e.type, '2025-01-01T00:00:00.000Z', JSON.stringify(e), 'f'.repeat(64)]);
const INSERT = 'INSERT INTO events (global_position, stream_id, stream_revision, event_id, type, recorded_at, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

for (const [impl, open] of drivers) {
  const withDb = async <T>(work: (db: Driver) => T): Promise<T> => {
    const temp = tempDir('driver');
    const db = open(temp.file('events.db'));
    openPragmas(db as unknown as DatabaseSync);
    createSchema(db as unknown as DatabaseSync);
    try {
      return await work(db);
    } finally {
      db.close();
      temp.remove();
    }
  };

  const durable = await medianRun(runs, () =>
    withDb((db) => {
      const insert = db.prepare(INSERT);
      const latencies: number[] = [];
      const started = performance.now();
      for (let i = 0; i < durableCommits; i++) {
        const t0 = performance.now();
        db.exec('BEGIN IMMEDIATE');
        insert.run(...rows[i]!);
        db.exec('COMMIT');
        latencies.push(performance.now() - t0);
      }
      return { seconds: (performance.now() - started) / 1000, latencies };
    }),
  );
  emit({ case: 'driver-durable-commit', impl, events: durableCommits, seconds: durable.seconds, events_per_s: durableCommits / durable.seconds, p50_ms: percentile(durable.latencies, 50), p99_ms: percentile(durable.latencies, 99), runs });

  const batched = await medianRun(runs, () =>
    withDb((db) => {
      const insert = db.prepare(INSERT);
      const started = performance.now();
      for (let i = 0; i < total; i += 100) {
        db.exec('BEGIN IMMEDIATE');
        for (let j = i; j < i + 100 && j < total; j++) insert.run(...rows[j]!);
        db.exec('COMMIT');
      }
      return { seconds: (performance.now() - started) / 1000 };
    }),
  );
  emit({ case: 'driver-insert-100-per-commit', impl, events: total, seconds: batched.seconds, events_per_s: total / batched.seconds, runs });

  const read = await withDb(async (db) => {
    const insert = db.prepare(INSERT);
    db.exec('BEGIN');
    for (const row of rows) insert.run(...row);
    db.exec('COMMIT');
    const page = db.prepare('SELECT body, hash FROM events WHERE global_position > ? ORDER BY global_position LIMIT 1024');
    return medianRun(runs, async () => {
      const started = performance.now();
      let n = 0;
      for (let after = 0; ; after += 1024) {
        const got = page.all(after) as { body: string }[];
        for (const row of got) n += JSON.parse(row.body) ? 1 : 0;
        if (got.length < 1024) break;
      }
      return { seconds: (performance.now() - started) / 1000, n };
    });
  });
  emit({ case: 'driver-read-pages-decode', impl, events: read.n, seconds: read.seconds, events_per_s: read.n / read.seconds, runs });
}
