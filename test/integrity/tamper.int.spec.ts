import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash, digestOf, GENESIS_HASH, verifyLog, type LogDigest } from '@roc-ledger/ledger';
import { interaction, purchase } from '@roc-ledger/ledger/testing';
import { openStore, rawDb, tamper, tempDataDir } from '../support/tempLedger.ts';

const verifyFile = async (dbPath: string, against?: LogDigest) => {
  const store = openStore(dbPath);
  try {
    return await verifyLog(store.readStoredRecords({ pageSize: 3 }), against);
  } finally {
    await store.close();
  }
};

describe('tamper evidence of the SQLite store', () => {
  let temp: ReturnType<typeof tempDataDir>;
  let digest: LogDigest;

  beforeEach(async () => {
    temp = tempDataDir();
    const store = openStore(temp.dbPath);
    for (let i = 0; i < 10; i++) await store.append(`customer-${i % 3}`, [i % 2 ? purchase(`${i % 3}`, 1000 + i) : interaction(`${i % 3}`)]);
    digest = digestOf(await store.head());
    await store.close();
  });
  afterEach(() => temp.cleanup());

  it('verifies an untouched log, with and without the digest', async () => {
    expect(await verifyFile(temp.dbPath)).toMatchObject({ ok: true, checked: 10 });
    expect(await verifyFile(temp.dbPath, digest)).toMatchObject({ ok: true, checked: 10 });
  });

  it('detects a flipped byte in the stored event, at its position', async () => {
    tamper(temp.dbPath, "UPDATE events SET body = replace(body, '\"minor\":1005', '\"minor\":9005') WHERE global_position = 6");
    expect((await verifyFile(temp.dbPath)).failure).toMatchObject({ position: 6, kind: 'hash-mismatch' });
  });

  it('detects a flipped byte in a column kept beside the hashed bytes', async () => {
    tamper(temp.dbPath, "UPDATE events SET type = 'CustomerDefected' WHERE global_position = 4");
    expect((await verifyFile(temp.dbPath)).failure).toMatchObject({ position: 4, kind: 'body-mismatch' });
  });

  it('detects a deleted event, at its position', async () => {
    tamper(temp.dbPath, 'DELETE FROM events WHERE global_position = 5');
    expect((await verifyFile(temp.dbPath)).failure).toMatchObject({ position: 5, kind: 'missing-event' });
  });

  it('detects two swapped events, at the first of them', async () => {
    const db = rawDb(temp.dbPath);
    db.exec('BEGIN');
    db.exec('UPDATE events SET global_position = -3 WHERE global_position = 3');
    db.exec('UPDATE events SET global_position = 3 WHERE global_position = 7');
    db.exec('UPDATE events SET global_position = 7 WHERE global_position = -3');
    db.exec('COMMIT');
    db.close();
    expect((await verifyFile(temp.dbPath)).failure).toMatchObject({ position: 3, kind: 'hash-mismatch' });
  });

  it('detects an event inserted in the middle (later positions shifted up), at the inserted position', async () => {
    const db = rawDb(temp.dbPath);
    db.exec('UPDATE events SET global_position = global_position + 1000 WHERE global_position >= 4');
    db.exec('UPDATE events SET global_position = global_position - 999 WHERE global_position >= 1004');
    db.exec(`INSERT INTO events SELECT 4, stream_id, stream_revision + 100, 'forged-id', type, recorded_at, body, hash FROM events WHERE global_position = 3`);
    db.close();
    expect((await verifyFile(temp.dbPath)).failure).toMatchObject({ position: 4, kind: 'hash-mismatch' });
  });

  it('detects an event appended by hand at the end, at its position', async () => {
    tamper(temp.dbPath, `INSERT INTO events SELECT 11, stream_id, stream_revision + 1, 'forged-id', type, recorded_at, body, ? FROM events WHERE global_position = 10`, 'f'.repeat(64));
    expect((await verifyFile(temp.dbPath)).failure).toMatchObject({ position: 11, kind: 'hash-mismatch' });
  });

  it('detects a truncated log against an earlier digest', async () => {
    tamper(temp.dbPath, 'DELETE FROM events WHERE global_position > 8');
    expect((await verifyFile(temp.dbPath)).ok).toBe(true);
    expect((await verifyFile(temp.dbPath, digest)).failure).toMatchObject({ position: 9, kind: 'truncated' });
  });

  it('detects history rewritten with freshly recomputed hashes against an earlier digest', async () => {
    const db = rawDb(temp.dbPath);
    const rows = db.prepare('SELECT global_position, body FROM events ORDER BY global_position').all() as { global_position: number; body: string }[];
    const update = db.prepare('UPDATE events SET body = ?, hash = ? WHERE global_position = ?');
    let previous = GENESIS_HASH;
    db.exec('BEGIN');
    for (const row of rows) {
      const body = row.global_position === 2 ? row.body.replace('"minor":1001', '"minor":1') : row.body;
      previous = chainHash(previous, body);
      update.run(body, previous, row.global_position);
    }
    db.exec('COMMIT');
    db.close();
    // The rewrite is internally consistent, so only the digest an auditor kept can expose it.
    expect((await verifyFile(temp.dbPath)).ok).toBe(true);
    expect((await verifyFile(temp.dbPath, digest)).failure).toMatchObject({ position: 10, kind: 'digest-mismatch' });
  });

  it('detects a recomputed rewrite that also truncates below the digest position', async () => {
    tamper(temp.dbPath, 'DELETE FROM events WHERE global_position = 10');
    expect((await verifyFile(temp.dbPath, digest)).failure).toMatchObject({ kind: 'truncated', position: 10 });
  });
});
