import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';

/** Polls until `ok` holds or the deadline passes; returns whether it held (the service follows its keys file within about a second). */
const eventually = async (ok: () => Promise<boolean>, withinMs = 10_000): Promise<boolean> => {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await ok()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return ok();
};

describe('roc-ledger keys: create, list and revoke while the service runs', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('accepts a key created after the service started and refuses it once revoked, without a restart', async () => {
    const first = cli(temp.dir, ['keys', 'create', '--id', 'reader', '--scope', 'read']).stdout.trim();
    const service = await startService(temp.dir);
    try {
      const status = async (key: string) => (await fetch(`${service.url}/v1/projections`, { headers: { authorization: `Bearer ${key}` } })).status;
      expect(await status(first)).toBe(200);

      const created = cli(temp.dir, ['keys', 'create', '--id', 'late-reader', '--name', 'Dashboards', '--scope', 'read', 'audit']);
      expect(created.status).toBe(0);
      const late = created.stdout.trim();
      expect(await eventually(async () => (await status(late)) === 200)).toBe(true);

      const listed = cli(temp.dir, ['keys', 'list', '--json']);
      expect(JSON.parse(listed.stdout)).toEqual([
        { id: 'reader', name: 'reader', scopes: ['read'] },
        { id: 'late-reader', name: 'Dashboards', scopes: ['read', 'audit'] },
      ]);
      expect(listed.stdout).not.toContain('sha256');

      const revoked = cli(temp.dir, ['keys', 'revoke', 'late-reader']);
      expect(revoked.status).toBe(0);
      expect(await eventually(async () => (await status(late)) === 401)).toBe(true);
      expect(await status(first)).toBe(200);

      const unknown = cli(temp.dir, ['keys', 'revoke', 'late-reader']);
      expect(unknown.status).toBe(6);
      expect(unknown.stderr).toContain('CLI_ERR_UNKNOWN_KEY');
      expect(unknown.stderr).toContain('there are: reader');

      // A file edited by hand into something invalid is reported; the keys in use stay.
      writeFileSync(join(temp.dir, 'api-keys.json'), '{"keys": [');
      expect(await eventually(async () => service.output().includes('the API keys file changed but is not valid'))).toBe(true);
      expect(await status(first)).toBe(200);
      const refused = cli(temp.dir, ['keys', 'list']);
      expect(refused.status).toBe(5);
      expect(refused.stderr).toContain('HTTP_ERR_INVALID_API_KEYS');
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 120_000);
});
