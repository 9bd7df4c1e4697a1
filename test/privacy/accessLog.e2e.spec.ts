import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { profileByEmail } from '../support/webEvents.ts';

const event = profileByEmail;

interface Entry {
  position: number;
  actor: string;
  via: string;
  customer: string;
  purpose: string;
  action: string;
  requestId?: string;
}

describe('the access log', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('records every read of personal data over HTTP and the CLI (who, when, which customer, why), hash-chained, queryable by auditors', async () => {
    const agent = cli(temp.dir, ['keys', 'create', '--id', 'agent-7', '--scope', 'ingest:web', 'read']).stdout.trim();
    const auditor = cli(temp.dir, ['keys', 'create', '--id', 'auditor-1', '--scope', 'audit']).stdout.trim();
    const service = await startService(temp.dir);
    const as = (key: string, path: string, headers: Record<string, string> = {}) => fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
    try {
      const stored = await fetch(`${service.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' }, body: JSON.stringify(event('logged.reader@example.org', 'Loggedina')) });
      const { customerId } = (await stored.json()) as { customerId: string };

      expect((await as(agent, `/v1/customers/${customerId}`, { 'x-access-purpose': 'complaint-handling' })).status).toBe(200);
      expect((await as(agent, `/v1/customers/${customerId}/history`)).status).toBe(200);
      expect((await as(agent, '/v1/customers?identifier=email:logged.reader@example.org')).status).toBe(200);
      expect((await as(agent, `/v1/projections/customer-view/partitions/${customerId}`)).status).toBe(200);
      expect((await as(agent, `/v1/customers/${customerId}/trust`)).status).toBe(200); // no personal data: not recorded
      expect((await as(agent, '/v1/customers/nobody-at-all')).status).toBe(404); // nothing read: not recorded
      expect((await as(agent, `/v1/customers/${customerId}`, { 'x-access-purpose': 'Not A Purpose!' })).status).toBe(400);
      expect((await as(auditor, `/v1/audit/customers/${customerId}/bundle`)).status).toBe(200);

      const cliHistory = cli(temp.dir, ['--purpose', 'fraud-review', 'history', customerId]);
      expect(cliHistory.status, cliHistory.stderr).toBe(0);

      expect((await as(agent, '/v1/audit/access-log')).status).toBe(403); // only auditors read it
      const response = await as(auditor, `/v1/audit/access-log?customer=${customerId}`);
      expect(response.status).toBe(200);
      const { entries } = (await response.json()) as { entries: Entry[] };
      expect(entries.map((e) => [e.actor, e.via, e.customer, e.purpose, e.action])).toEqual([
        ['agent-7', 'http', customerId, 'complaint-handling', 'GET /v1/customers/:customer'],
        ['agent-7', 'http', customerId, 'read', 'GET /v1/customers/:customer/history'],
        ['agent-7', 'http', customerId, 'read', 'GET /v1/customers'],
        ['agent-7', 'http', customerId, 'read', 'GET /v1/projections/:name/partitions/:partition'],
        ['auditor-1', 'http', customerId, 'audit', 'GET /v1/audit/customers/:customer/bundle'],
        [expect.stringMatching(/^cli:/), 'cli', customerId, 'fraud-review', 'history'],
      ]);
      expect(entries.every((e) => e.via === 'cli' || e.requestId)).toBe(true);
      expect(await (await as(auditor, '/v1/audit/access-log/verify')).json()).toMatchObject({ ok: true, entries: 6 });
    } finally {
      expect(await service.stop()).toBe(0);
    }

    const listed = cli(temp.dir, ['access-log', 'list', '--actor', 'agent-7', '--json']);
    expect(JSON.parse(listed.stdout)).toHaveLength(4);
    expect(cli(temp.dir, ['access-log', 'verify']).status).toBe(0);

    // Append-only: the file refuses an update; with its guards dropped, the chain names the entry changed.
    const db = new DatabaseSync(join(temp.dir, 'access.db'));
    expect(() => db.exec("UPDATE access_log SET actor = 'someone-else' WHERE position = 2")).toThrow(/append-only/);
    db.exec('DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete');
    db.exec("UPDATE access_log SET actor = 'someone-else' WHERE position = 2");
    db.close();
    const tampered = cli(temp.dir, ['access-log', 'verify', '--json']);
    expect(tampered.status).toBe(4);
    expect(JSON.parse(tampered.stdout)).toMatchObject({ ok: false, firstBadPosition: 2 });
    const db2 = new DatabaseSync(join(temp.dir, 'access.db'));
    db2.exec('DROP TRIGGER access_log_no_delete; DELETE FROM access_log WHERE position = 1');
    db2.close();
    expect(JSON.parse(cli(temp.dir, ['access-log', 'verify', '--json']).stdout)).toMatchObject({ ok: false, firstBadPosition: 1 });
  });
});
