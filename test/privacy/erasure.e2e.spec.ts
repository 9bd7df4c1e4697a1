import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedUuid } from '@roc-ledger/identity';
import { cli, startService, type RunningService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { byEmail, byId, webEvent } from '../support/webEvents.ts';

/** Strings that occur nowhere else: a hit in a byte scan can only be this customer's data. */
const ERIN = {
  email: 'erin.quillfeather.7731@example.org',
  givenName: 'Erinquilla',
  familyName: 'Quillfeatherson',
  line1: '77 Zanzibarweg',
  city: 'Quxtown',
  postalCode: 'QX-7731',
  note: 'Xylophonic grievance 7731',
};
const BOB = { email: 'bob.otherperson.4242@example.org', givenName: 'Bobbingtonius' };

const event = webEvent;

/** Every file under a directory, recursively, as bytes. */
const filesUnder = (dir: string): { path: string; bytes: Buffer }[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });

/** A response's JSON, untyped: the assertions say what it must hold. */
const body = async (response: Response | Promise<Response>): Promise<any> => (await response).json();

const hits = (haystacks: { path: string; bytes: Buffer }[], needles: readonly string[]) =>
  haystacks.flatMap(({ path, bytes }) => needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8'))).map((n) => `${n} in ${path}`));

describe('erasure (crypto-shredding), end to end through roc-ledger serve', () => {
  const temp = tempDataDir();
  let service: RunningService;
  let key: string;
  let erinId: string;
  let erinKey: Buffer;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });

  beforeAll(async () => {
    key = cli(temp.dir, ['keys', 'create', '--id', 'ops', '--scope', 'ingest:web', 'read', 'audit', 'admin']).stdout.trim();
    service = await startService(temp.dir);
    for (const e of [
      event(byEmail(ERIN.email), 'ProfileUpdated', { givenName: ERIN.givenName, familyName: ERIN.familyName, address: { line1: ERIN.line1, city: ERIN.city, postalCode: ERIN.postalCode, country: 'DE' } }),
      event(byEmail(ERIN.email), 'PurchaseMade', { orderId: 'o-erin-1', amount: { minor: 1234, currency: 'EUR' } }, 2),
      event(byEmail(ERIN.email), 'ComplaintOpened', { complaintId: 'c-erin-1', category: 'delivery', severity: 'high', dueBy: '2025-03-10T00:00:00Z', note: ERIN.note }),
      event(byEmail(BOB.email), 'ProfileUpdated', { givenName: BOB.givenName }),
    ]) {
      const response = await call('POST', '/v1/events', e);
      expect(response.status, await response.clone().text()).toBe(201);
      if (e.customer.value === ERIN.email) erinId = (await body(response)).customerId;
    }
    const keys = new DatabaseSync(join(temp.dir, 'keys.db'), { readOnly: true });
    erinKey = Buffer.from((keys.prepare('SELECT key FROM customer_keys WHERE key_id = ?').get(erinId) as { key: Uint8Array }).key);
    keys.close();
  });
  afterAll(async () => {
    if (service.process.exitCode === null) await service.stop();
    temp.cleanup();
  });

  it('keeps personal data sealed at rest and open to reads before the erasure', async () => {
    const stored = filesUnder(temp.dir).filter((f) => /events\.db/.test(f.path));
    expect(hits(stored, Object.values(ERIN))).toEqual([]);
    // Her id, which stays in the log, bundles and exports after the erasure, is keyed: hashing her address does not find it.
    expect(erinId).not.toBe(derivedUuid(`customer/email:${ERIN.email}`));
    const view = await body(call('GET', `/v1/customers/${erinId}`));
    expect(view.result.profile).toMatchObject({ givenName: ERIN.givenName, address: { city: ERIN.city } });
  });

  it('erases: destroys the key, records CustomerErased, and answers once the read models are refolded', async () => {
    const response = await call('DELETE', `/v1/customers/email:${ERIN.email}/personal-data?reference=DSR-7731`);
    expect(response.status).toBe(200);
    const result = await body(response);
    expect(result).toMatchObject({ customerId: erinId, destroyedKeys: [erinId], alreadyErased: false, readModels: 'refolded' });

    const view = (await body(call('GET', `/v1/customers/${erinId}`))).result;
    expect(view.erased).toMatchObject({ basis: 'customer-request' });
    expect(view.profile).toEqual({});
    expect(view.purchases).toMatchObject({ count: 1, minor: 1234 }); // the non-personal facts stay
    expect(view.identifiers.map((i: { kind: string; value: string }) => [i.kind, i.value])).toEqual([['email', '[erased]']]);

    const history = await body(call('GET', `/v1/customers/${erinId}/history`));
    expect(JSON.stringify(history)).not.toContain(ERIN.givenName);
    expect(history.events.find((e: { type: string }) => e.type === 'ComplaintOpened').data.note).toBe('[erased]');
  });

  it('is harmless a second time, and the identifiers name nobody any more', async () => {
    expect((await call('DELETE', `/v1/customers/email:${ERIN.email}/personal-data`)).status).toBe(404);
    const again = await call('DELETE', `/v1/customers/${erinId}/personal-data`);
    expect(again.status).toBe(200);
    expect(await body(again)).toMatchObject({ customerId: erinId, destroyedKeys: [], alreadyErased: true });
  });

  it('refuses new personal data for the erased customer, accepts their non-personal facts, and resolves other customers as before', async () => {
    const refused = await call('POST', '/v1/events', event(byId(erinId), 'ProfileUpdated', { givenName: ERIN.givenName }));
    expect(refused.status).toBe(409);
    const problem = await body(refused);
    expect(problem).toMatchObject({ code: 'PRIVACY_ERR_CUSTOMER_ERASED', errors: [{ path: 'data.givenName' }] });
    expect(JSON.stringify(problem)).not.toContain(ERIN.givenName);
    expect((await call('POST', '/v1/events', event(byId(erinId), 'PurchaseMade', { orderId: 'o-erin-2', amount: { minor: 100, currency: 'EUR' } }, 2))).status).toBe(201);

    const bobAgain = await call('POST', '/v1/events', event(byEmail(BOB.email), 'InteractionRecorded', { kind: 'visit', initiatedBy: 'customer' }));
    const bobFirst = await body(call('GET', `/v1/customers/email:${BOB.email}`));
    expect((await body(bobAgain)).customerId).toBe(bobFirst.partition);
    // Erin's old address names nobody now (were it used again, it would start a new customer).
    expect((await call('GET', `/v1/customers?identifier=email:${ERIN.email}`)).status).toBe(404);
  });

  it('leaves the log verifiable and every event provable, because the hashes cover the ciphertext', async () => {
    const verify = await body(call('GET', '/v1/audit/verify'));
    expect(verify).toMatchObject({ ok: true });
    const bundle = await call('GET', `/v1/audit/customers/${erinId}/bundle`);
    expect(bundle.status).toBe(200);
  });

  it("leaves none of the customer's personal strings, nor the key, anywhere the ledger wrote: data directory, logs, exports, bundles", async () => {
    expect(await service.stop()).toBe(0);
    expect(cli(temp.dir, ['verify']).status).toBe(0);
    const history = cli(temp.dir, ['history', erinId, '--json']);
    const storedEvent = JSON.parse(history.stdout).find((e: { type: string }) => e.type === 'ProfileUpdated');
    expect(cli(temp.dir, ['prove', storedEvent.eventId]).status).toBe(0);
    mkdirSync(join(temp.dir, 'exports'));
    expect(cli(temp.dir, ['project', 'run', 'customer-view', '--out', join(temp.dir, 'exports', 'customer-view.ndjson')]).status).toBe(0);
    expect(cli(temp.dir, ['audit', 'bundle', erinId, '--out', join(temp.dir, 'exports', 'erin-bundle.json')]).status).toBe(0);

    const written = [...filesUnder(temp.dir), { path: 'service logs', bytes: Buffer.from(service.output(), 'utf8') }, { path: 'history output', bytes: Buffer.from(history.stdout, 'utf8') }];
    expect(written.map((f) => f.path).some((p) => p.endsWith('readmodels.db'))).toBe(true);
    expect(hits(written, Object.values(ERIN))).toEqual([]);
    expect(written.filter((f) => f.bytes.includes(erinKey)).map((f) => f.path)).toEqual([]);
    // The scan does find what is still there: the other customer's name, in the export; the read
    // models keep it by reference only, so no file of the data directory holds it in clear.
    const bob = hits(written, [BOB.givenName]);
    expect(bob.some((hit) => hit.endsWith('customer-view.ndjson'))).toBe(true);
    expect(bob.filter((hit) => !hit.includes(`${sep}exports${sep}`))).toEqual([]);
  });
});
