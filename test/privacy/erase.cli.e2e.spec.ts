import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { profileByEmail } from '../support/webEvents.ts';

const profile = profileByEmail;

describe('roc-ledger erase', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());
  const scan = (needle: string) => readdirSync(temp.dir).filter((name) => readFileSync(join(temp.dir, name)).includes(Buffer.from(needle)));

  it('erases by identifier or id, refolds the read models itself when no service runs, and says so when it was already done', () => {
    const file = join(temp.dir, 'events.ndjson');
    writeFileSync(file, [profile('first.cli@example.org', 'Firstcliana'), profile('second.cli@example.org', 'Secondcliana')].map((e) => JSON.stringify(e)).join('\n'));
    expect(cli(temp.dir, ['import', file]).status).toBe(0);
    writeFileSync(file, '');

    const first = cli(temp.dir, ['erase', 'email:first.cli@example.org', '--reference', 'DSR-1', '--json']);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ destroyedKeys: [expect.any(String)], alreadyErased: false, readModels: 'refolded' });
    // The read models now exist and hold the other customer's view, its name by reference only: no
    // file holds it in clear, yet the view shows it, opened from the log...
    expect(scan('pdref1:')).toContain('readmodels.db');
    expect(scan('Secondcliana')).toEqual([]);
    expect(scan('Firstcliana')).toEqual([]);
    const views = () => cli(temp.dir, ['project', 'run', 'customer-view']).stdout;
    expect(views()).toContain('Secondcliana');
    expect(views()).not.toContain('Firstcliana');

    const second = cli(temp.dir, ['erase', 'email:second.cli@example.org', '--basis', 'retention-expired']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/erased: 1 key\(s\) destroyed; CustomerErased at position \d+; read models refolded/);
    // ...and no longer once that customer is erased.
    expect(views()).not.toContain('Secondcliana');
    expect(views()).toContain('[erased]');
    expect(scan('Secondcliana')).toEqual([]);
    expect(scan('second.cli@example.org')).toEqual([]);

    const customerId = JSON.parse(first.stdout).customerId;
    const again = cli(temp.dir, ['erase', customerId]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('was already erased');
    expect(cli(temp.dir, ['erase', 'email:first.cli@example.org']).status).toBe(6); // names nobody now
    expect(cli(temp.dir, ['erase', 'nobody-here']).status).toBe(6);
    expect(cli(temp.dir, ['verify']).status).toBe(0);
  });

  it('refuses while serve runs on the data directory, pointing to the erasure through the service', async () => {
    const service = await startService(temp.dir);
    try {
      const refused = cli(temp.dir, ['erase', 'nobody-here']);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('CLI_ERR_SERVICE_RUNNING');
      expect(refused.stderr).toContain('DELETE /v1/customers/nobody-here/personal-data');
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });
});
