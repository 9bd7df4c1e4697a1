import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { profileByEmail } from '../support/webEvents.ts';

describe('backup and restore', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());
  const data = join(temp.dir, 'data');
  const copy = join(temp.dir, 'backup');
  const keysCopy = join(temp.dir, 'keys-backup');

  it('copies the log, access log and settings with a verified chain, the keys apart; a restored old key store does not bring an erased customer back', async () => {
    const file = join(temp.dir, 'events.ndjson');
    writeFileSync(file, [profileByEmail('kept.customer@example.org', 'Keptina'), profileByEmail('gone.customer@example.org', 'Goneworth')].map((e) => JSON.stringify(e)).join('\n'));
    expect(cli(data, ['import', file]).status).toBe(0);

    const refused = cli(data, ['backup', '--out', copy, '--keys-out', copy]);
    expect(refused.status).toBe(2); // keys kept with the log would outlive every erasure
    const made = cli(data, ['backup', '--out', copy, '--keys-out', keysCopy, '--json']);
    expect(made.status, made.stderr).toBe(0);
    const result = JSON.parse(made.stdout);
    // Two customers, each registered, linked and profiled: six events.
    expect(result).toMatchObject({ verified: true, position: 6, keys: join(keysCopy, 'keys.db') });
    expect(result.copied).toEqual(expect.arrayContaining(['events.db', 'ledger.json']));
    expect(existsSync(join(copy, 'keys.db'))).toBe(false);
    expect(cli(copy, ['verify']).status).toBe(0);

    // After the backup, a customer is erased; then the key store is restored from that older backup.
    const goneId = JSON.parse(cli(data, ['history', 'email:gone.customer@example.org', '--json']).stdout)[0].streamId.slice('customer-'.length);
    expect(cli(data, ['erase', goneId]).status).toBe(0);
    copyFileSync(join(keysCopy, 'keys.db'), join(data, 'keys.db'));
    const givenName = () => JSON.parse(cli(data, ['history', goneId, '--json']).stdout).find((e: { type: string }) => e.type === 'ProfileUpdated').data.givenName;
    expect(givenName()).toBe('Goneworth'); // the old key is back

    // Starting the service destroys it again, before it answers anything.
    const service = await startService(data);
    expect(await service.stop()).toBe(0);
    expect(service.output()).toContain('keys of erased customers were back in the key store');
    expect(givenName()).toBe('[erased]');
  });
});
