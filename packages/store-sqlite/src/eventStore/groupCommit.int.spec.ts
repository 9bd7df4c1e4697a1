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

  it('fails the whole group, acknowledging nothing, when a write could not undo itself', async () => {
    const outcomes = await Promise.allSettled([
      committer.submit(insert('a')),
      committer.submit(() => {
        insert('half')();
        throw new TransactionPoisonedError('could not undo');
      }),
      committer.submit(insert('b')),
    ]);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'LEDGER_ERR_STORE_UNAVAILABLE', retriable: true });
    expect(rows()).toEqual([]);
  });

  it('fails the group when COMMIT fails, and the store goes on afterwards', async () => {
    db.exec('CREATE TABLE parent (id INTEGER PRIMARY KEY); CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED); PRAGMA foreign_keys = ON');
    const outcome = await committer.submit(() => db.prepare('INSERT INTO child (p) VALUES (42)').run()).catch((e: unknown) => e);
    expect(outcome).toMatchObject({ code: 'LEDGER_ERR_STORE_UNAVAILABLE' });
    await committer.submit(insert('after'));
    expect(rows()).toEqual(['after']);
  });
});
