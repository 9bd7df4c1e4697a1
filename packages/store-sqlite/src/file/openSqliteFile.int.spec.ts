import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteFile } from './openSqliteFile.ts';

describe('openSqliteFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-open-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file with its folder and runs the setup', () => {
    const db = openSqliteFile(join(dir, 'new', 'folder', 'a.db'), { setup: (d) => d.exec('CREATE TABLE IF NOT EXISTS t (v TEXT)') });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't'").get()).toEqual({ name: 't' });
    db.close();
  });

  it('creates the file, its write-ahead log and shared-memory files, and its folders, for their owner only', () => {
    const folder = join(dir, 'private', 'ledger');
    const path = join(folder, 'p.db');
    const db = openSqliteFile(path, { setup: (d) => d.exec('PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS t (v TEXT)') });
    db.exec("INSERT INTO t VALUES ('x')");
    const mode = (p: string) => statSync(p).mode & 0o777;
    expect([path, `${path}-wal`, `${path}-shm`].filter(existsSync).map(mode)).toEqual([0o600, 0o600, 0o600]);
    expect([folder, join(dir, 'private')].map(mode)).toEqual([0o700, 0o700]);
    db.close();
  });

  it('creates no file for an in-memory or temporary database', () => {
    const before = readdirSync(process.cwd());
    for (const path of [':memory:', '']) openSqliteFile(path, { setup: (d) => d.exec('CREATE TABLE IF NOT EXISTS t (v TEXT)') }).close();
    expect(readdirSync(process.cwd())).toEqual(before);
  });

  it('leaves the mode of a file that exists as its owner set it', () => {
    const path = join(dir, 'shared.db');
    openSqliteFile(path, { setup: () => undefined }).close();
    chmodSync(path, 0o640);
    openSqliteFile(path, { setup: (d) => d.exec('CREATE TABLE IF NOT EXISTS t (v TEXT)') }).close();
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('throws at once, without retrying, an error that is not a lock: a file that is not a database', () => {
    const path = join(dir, 'not-a-database.db');
    writeFileSync(path, 'these are not the pages of a SQLite database, whatever the name says. '.repeat(100));
    let attempts = 0;
    const started = Date.now();
    expect(() => openSqliteFile(path, { busyTimeoutMs: 5000, setup: (d) => (attempts++, d.exec('PRAGMA journal_mode = WAL')) })).toThrow(/not a database/);
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('retries a setup refused as locked until the busy timeout, then throws the lock error', () => {
    let attempts = 0;
    const started = Date.now();
    const locked = () => {
      attempts++;
      throw new Error('database is locked');
    };
    expect(() => openSqliteFile(join(dir, 'locked.db'), { busyTimeoutMs: 300, setup: locked })).toThrow('database is locked');
    expect(attempts).toBeGreaterThan(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('with no busy timeout, tries the setup once and leaves the retrying to the caller', () => {
    let attempts = 0;
    const busy = () => {
      attempts++;
      throw new Error('SQLITE_BUSY');
    };
    expect(() => openSqliteFile(join(dir, 'once.db'), { busyTimeoutMs: 0, setup: busy })).toThrow('SQLITE_BUSY');
    expect(attempts).toBe(1);
  });
});
