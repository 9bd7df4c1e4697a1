// The embedded store's floor for appends of many customers: its own schema and pragmas (WAL,
// synchronous=FULL), rows inserted with nothing else around them, 100 per durable commit, each
// of a random one of 20,000 streams, into a table already holding 500,000 rows. Beside it, the
// same without the stream index: what its random leaf pages cost. Event ids are UUIDv7, as the
// ledger makes them, so the event-id index grows at its end; the WAL pages each commit writes
// are counted from the WAL file's growth.
// Usage: node bench/sqlite-floor.bench.ts [--rows 500000] [--runs 3]
import { randomUUID } from 'node:crypto';
import { uuidv7 } from '@roc-ledger/events';
import { statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { createSchema, openPragmas } from '../packages/store-sqlite/src/eventStore/schema.ts';
import { argValue, emit, medianRun } from './lib/result.ts';
import { demoEvents, tempDir } from './lib/workload.ts';

const preload = argValue('rows', 500_000);
const runs = argValue('runs', 3);
const perCommit = 100;
const measured = 20_000;
const bodies = demoEvents(10_000).map((e) => JSON.stringify(e));
const streams = Array.from({ length: 20_000 }, () => `customer-${randomUUID()}`);

for (const withIndex of [true, false]) {
  const temp = tempDir('sqlite-floor');
  const path = temp.file('events.db');
  const db = new DatabaseSync(path);
  openPragmas(db);
  createSchema(db);
  if (!withIndex) db.exec('DROP INDEX events_by_stream');
  db.exec('PRAGMA wal_autocheckpoint = 0'); // the WAL's growth counts the frames; checkpointed between runs
  const insert = db.prepare('INSERT INTO events (global_position, stream_id, stream_revision, event_id, type, recorded_at, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const revisions = new Map<string, number>();
  let position = 0;
  const commitGroup = () => {
    db.exec('BEGIN IMMEDIATE');
    for (let i = 0; i < perCommit; i++) {
      const stream = streams[Math.floor(Math.random() * streams.length)]!;
      const revision = (revisions.get(stream) ?? -1) + 1;
      revisions.set(stream, revision);
      position++;
      insert.run(position, stream, revision, uuidv7(), 'PurchaseMade', new Date().toISOString(), bodies[position % bodies.length]!, 'f'.repeat(64));
    }
    db.exec('COMMIT');
  };
  for (let i = 0; i < preload / perCommit; i++) commitGroup();
  const pageSize = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
  const result = await medianRun(runs, async () => {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const started = performance.now();
    for (let i = 0; i < measured / perCommit; i++) commitGroup();
    const seconds = (performance.now() - started) / 1000;
    return { seconds, frames: statSync(`${path}-wal`).size / (pageSize + 24) };
  });
  db.close();
  temp.remove();
  emit({
    case: 'sqlite-append-floor',
    impl: withIndex ? 'node:sqlite-store-schema' : 'node:sqlite-without-stream-index',
    events: measured,
    seconds: result.seconds,
    events_per_s: measured / result.seconds,
    runs,
    note: `${perCommit} rows per durable commit, random streams of 20,000, over ${preload.toLocaleString('en-US')} rows; ${(result.frames / measured).toFixed(2)} WAL pages per event; ${((1e6 * result.seconds) / measured).toFixed(1)} µs per event`,
  });
}
