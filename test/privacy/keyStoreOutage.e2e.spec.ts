import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, startService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { profileByEmail } from '../support/webEvents.ts';

const NAME = 'Outagewina';
const profile = (email: string) => profileByEmail(email, NAME);

describe('a key-store outage', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('fails closed: an event whose key cannot be written is refused and nothing of it stored, other events go on, and all resumes once the key store is back', async () => {
    const key = cli(temp.dir, ['keys', 'create', '--id', 'ops', '--scope', 'ingest:web', 'read']).stdout.trim();
    const service = await startService(temp.dir);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    try {
      const before = await call('POST', '/v1/events', profile('before.outage@example.org'));
      expect(before.status).toBe(201);
      const customerId = ((await before.json()) as { customerId: string }).customerId;

      // The outage: another process holds the key file's write lock, so the service cannot create a key.
      const holder = new DatabaseSync(join(temp.dir, 'keys.db'));
      holder.exec('BEGIN IMMEDIATE');
      let during: Response;
      const refusedEvent = profile('during.outage@example.org');
      try {
        during = await call('POST', '/v1/events', refusedEvent);
        // Events without personal data need no key: they are stored as ever.
        const plain = await call('POST', '/v1/events', { ...profile('x@example.org'), customer: { kind: 'customerId', value: customerId }, type: 'InteractionRecorded', data: { kind: 'visit', initiatedBy: 'customer' } });
        expect(plain.status).toBe(201);
      } finally {
        holder.exec('ROLLBACK');
        holder.close();
      }
      expect(during.status).toBe(503);
      const problem = (await during.json()) as { code: string };
      expect(problem.code).toBe('PRIVACY_ERR_KEYSTORE_UNAVAILABLE');
      expect(JSON.stringify(problem)).not.toContain(NAME);
      expect((await call('GET', '/v1/customers?identifier=email:during.outage@example.org')).status).toBe(404); // nothing of it was stored

      // Back: the producer's retry of the refused event is stored.
      expect((await call('POST', '/v1/events', refusedEvent)).status).toBe(201);
      const history = await call('GET', `/v1/customers/${customerId}/history`);
      expect(history.status).toBe(200);
      expect(await history.text()).toContain(NAME);
      const view = (await (await call('GET', '/v1/customers?identifier=email:during.outage@example.org')).json()) as { customerId: string };
      const state = await call('GET', `/v1/customers/${view.customerId}`);
      expect(((await state.json()) as { result: { profile: { givenName: string } } }).result.profile.givenName).toBe(NAME);
    } finally {
      expect(await service.stop()).toBe(0);
    }
    expect(service.output()).not.toContain(NAME);
    expect(cli(temp.dir, ['verify']).status).toBe(0);
  });
});
