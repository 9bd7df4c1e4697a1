import { chmodSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { profileByEmail } from '../support/webEvents.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
/** Every file in a folder with its mode, by name. */
const modes = (dir: string) => Object.fromEntries(readdirSync(dir).map((name) => [name, mode(join(dir, name))]));

describe("a ledger's files are its owner's alone", () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());
  const data = join(temp.dir, 'data');

  it('creates the data directory, the event store, key store, access log and settings for their owner only, and so does a backup', () => {
    const file = join(temp.dir, 'events.ndjson');
    writeFileSync(file, JSON.stringify(profileByEmail('private.person@example.org', 'Privata')));
    const imported = cli(data, ['import', file]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(cli(data, ['history', 'email:private.person@example.org']).status).toBe(0); // a read of personal data: the access log
    expect(mode(data)).toBe(0o700);
    const written = modes(data);
    expect(Object.keys(written)).toEqual(expect.arrayContaining(['events.db', 'keys.db', 'access.db', 'ledger.json']));
    expect(Object.entries(written).filter(([, m]) => m !== 0o600)).toEqual([]);
    expect(imported.stderr).not.toContain('warning');

    const copy = join(temp.dir, 'backup', 'today');
    const keysCopy = join(temp.dir, 'keys-backup');
    expect(cli(data, ['backup', '--out', copy, '--keys-out', keysCopy]).status).toBe(0);
    expect([copy, join(temp.dir, 'backup'), keysCopy].map(mode)).toEqual([0o700, 0o700, 0o700]);
    expect(Object.entries({ ...modes(copy), ...modes(keysCopy) }).filter(([, m]) => m !== 0o600)).toEqual([]);
  });

  it("writes what commands write out of the ledger (a projection's rows, an audit bundle, an export) for its owner only", () => {
    const outs = { rows: join(temp.dir, 'views.csv'), bundle: join(temp.dir, 'bundle.json'), events: join(temp.dir, 'events-out.ndjson') };
    // customer-view's rows hold the customer's name and e-mail, opened from the log.
    for (const args of [
      ['project', 'run', 'customer-view', '--out', outs.rows],
      ['audit', 'bundle', 'email:private.person@example.org', '--out', outs.bundle],
      ['export', '--out', outs.events],
    ]) {
      const run = cli(data, args);
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(0);
    }
    expect(Object.values(outs).map(mode)).toEqual([0o600, 0o600, 0o600]);
  });

  it('warns, naming the command that fixes it, when the key file of an older ledger can be read by other users', () => {
    const keys = join(data, 'keys.db');
    chmodSync(keys, 0o644);
    const summary = cli(data, ['summary']);
    expect(summary.status).toBe(0);
    expect(summary.stderr).toContain(`warning: ${keys} holds every customer's key and other users of this machine can read it`);
    expect(summary.stderr).toContain(`chmod 600 ${keys}`);
    expect(mode(keys)).toBe(0o644); // the owner's file: told, not changed
    chmodSync(keys, 0o600);
    expect(cli(data, ['summary']).stderr).not.toContain('warning');
  });
});
