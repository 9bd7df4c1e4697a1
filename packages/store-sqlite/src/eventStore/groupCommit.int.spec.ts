import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter, TransactionPoisonedError } from './groupCommit.ts';

describe('group commit', () => {
  let db: DatabaseSync;
  let committer: GroupCommitter;
  const rows = () => (db.prepare('SELECT v FROM t ORDER BY v').all() as { v: string }[]).map((r) => r.v);
  const insert = (v: string) => () => db.prepare('INSERT INTO t (v) VALUES (?)').run(v);

  beforeEach(() => {
    db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (v TEXT UNIQUE)');
    committer = new GroupCommitter(db);
  });
  afterEach(() => db.close());

  it('commits every write of one turn in one transaction, failing only the write that threw', async () => {
    const outcomes = await Promise.allSettled([
      committer.submit(insert('a')),
      committer.submit(() => {
        throw new Error('refused before writing');
      }),
      committer.submit(insert('b')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rows()).toEqual(['a', 'b']);
  });

  it('fails its whole transaction, acknowledging nothing of it, when a write could not undo itself; the writes queued after it run in the next', async () => {
    const outcomes = await Promise.allSettled([
      committer.submit(insert('a')),
      committer.submit(() => {
        insert('half')();
        throw new TransactionPoisonedError('could not undo');
      }),
      committer.submit(insert('b')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'LEDGER_ERR_STORE_UNAVAILABLE', retriable: true });
    expect(rows()).toEqual(['b']);
  });

  it('commits a group that outlasts its time budget in parts, letting timers run between them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-group-'));
    const file = new DatabaseSync(join(dir, 'g.db'));
    file.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (v TEXT UNIQUE)');
    const reader = new DatabaseSync(join(dir, 'g.db'));
    const budgeted = new GroupCommitter(file, 10);
    let committedWhenTimerRan: number | undefined;
    const slowInsert = (v: string) => () => {
      if (v === 'w0') setTimeout(() => (committedWhenTimerRan = (reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n), 0);
      const until = performance.now() + 6;
      while (performance.now() < until);
      file.prepare('INSERT INTO t (v) VALUES (?)').run(v);
    };
    try {
      await Promise.all(Array.from({ length: 6 }, (_, i) => budgeted.submit(slowInsert(`w${i}`))));
      // The timer came due while the first transaction ran: it ran after that one committed, before the last.
      expect(committedWhenTimerRan).toBeGreaterThan(0);
      expect(committedWhenTimerRan).toBeLessThan(6);
      expect((reader.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(6);
    } finally {
      reader.close();
      file.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the group when COMMIT fails, and the store goes on afterwards', async () => {
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED); PRAGMA foreign_keys = ON');
    const outcome = await committer.submit(() => db.prepare('INSERT INTO child (p) VALUES (42)').run()).catch((e: unknown) => e);
    expect(outcome).toMatchObject({ code: 'LEDGER_ERR_STORE_UNAVAILABLE' });
    await committer.submit(insert('after'));
    expect(rows()).toEqual(['after']);
  });
});
