import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { checkBundle, type AuditBundle } from '@roc-ledger/audit';
import { customerStreamId, leafHash, merkleDigestOf, merkleTreeOf, storedRecordAt, verifyConsistency, verifyDigestSignature, verifyInclusion } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, buildApp, createApiKey } from '@roc-ledger/api';
import { customerView } from '@roc-ledger/customer-view';
import { EquityTracker, querySeries } from '@roc-ledger/customer-equity';
import { createContract, uuidv7 } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { getSqliteReadModelStore, ProjectionRuntime, type ReadModelStore } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { contract } from '../support/tempLedger.ts';

const reader = createApiKey('analyst', 'Analyst', ['read']);
const admin = createApiKey('ops', 'Operations', ['admin']);
const web = createApiKey('web-shop', 'Web shop', ['ingest:web']);
const auditor = createApiKey('auditor', 'Auditor', ['audit']);
const signingKey = (() => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
})();
const clock: SimClock = { now: new Date(0) };
let store: EventStore;
let readModels: ReadModelStore;
let runtime: ProjectionRuntime;
let app: Awaited<ReturnType<typeof buildApp>>;
let equity: EquityTracker;

beforeAll(async () => {
  store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, { customers: 40, years: 2, seed: 'http-projections', merges: 2 });
  readModels = getSqliteReadModelStore(':memory:');
  runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, trustScore] });
  await runtime.start();
  await runtime.waitFor((await store.head()).position);
  const ingestor = await Ingestor.open({ store, contract, clock: () => clock.now });
  equity = new EquityTracker({ store, path: ':memory:', period: 'quarter', minIntervalMs: 0 });
  equity.start();
  await equity.waitFor((await store.head()).position);
  app = await buildApp({ store, contract, ingestor, keys: new ApiKeyRing([reader.record, admin.record, web.record, auditor.record]), logger: false, projections: { runtime, readModels }, equity, signingKey });
}, 60_000);
afterAll(async () => {
  await app.close();
  await runtime.stop();
  await equity.stop();
  await readModels.close();
});

const get = (url: string, key = reader.key) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
const mergeOf = async () => {
  for await (const event of store.readAll({ types: ['CustomersMerged'] })) return event;
  throw new Error('no merge in the fixture');
};

describe('projection queries over HTTP', () => {
  it('serves the single customer view, answering a merged id for its survivor', async () => {
    const merge = await mergeOf();
    const { survivorId, mergedId } = merge.data as { survivorId: string; mergedId: string };
    const response = await get(`/v1/customers/${mergedId}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ projection: 'customer-view@3', partition: survivorId, source: 'stored', result: { customerId: survivorId, mergedIds: [mergedId], purchases: { count: 2 } } });
    const byCard = await get(`/v1/customers/loyaltyCard:MERGE-http-projections-0`);
    expect(byCard.json().partition).toBe(survivorId);
  });

  it('serves the trust score with contributions that add up to it, as of a date (replayed)', async () => {
    let customer = '';
    for await (const event of store.readAll({ types: ['CustomerRegistered'] })) {
      customer = event.streamId.slice('customer-'.length); // the first customer: known well before the date asked
      break;
    }
    const response = await get(`/v1/customers/${customer}/trust?asOf=2023-12-31`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ projection: 'trust-score@103', at: '2023-12-31T23:59:59.999Z', source: 'replayed' });
    const sum = body.result.contributions.reduce((s: number, c: { points: number }) => s + c.points, body.result.base);
    expect(body.result.score).toBe(Math.round(Math.min(100, Math.max(0, sum))));
    for (const c of body.result.contributions) expect(Object.keys(c).sort()).toEqual(['date', 'effect', 'eventId', 'points', 'rule', 'type']);
  });

  it('finds a customer by identifier now, and not before the link was recorded', async () => {
    const merge = await mergeOf();
    const found = await get('/v1/customers?identifier=webVisitorId:mv-http-projections-0');
    expect(found.statusCode).toBe(200);
    expect(found.json().customerId).toBe((merge.data as { survivorId: string }).survivorId);
    const before = await get(`/v1/customers?identifier=webVisitorId:mv-http-projections-0&knownAt=2020-01-01`);
    expect(before.statusCode).toBe(404);
  });

  it('refuses a junk identifier in a cut of the log as it does now, naming the problem', async () => {
    for (const cut of ['', '&asOf=2024-06-01', '&knownAt=2024-06-01']) {
      const junk = await get(`/v1/customers?identifier=email:anonymous${cut}`);
      expect(junk.statusCode, cut).toBe(400);
      expect(junk.json()).toMatchObject({ code: 'IDENTITY_ERR_JUNK_IDENTIFIER' });
    }
  });

  it('reports each projection’s status and lag, and refuses keys without the read scope', async () => {
    const response = await get('/v1/projections');
    expect(response.statusCode).toBe(200);
    const rows = response.json().projections;
    expect(rows.map((r: { key: string }) => r.key).sort()).toEqual(['customer-view@3', 'trust-score@103']);
    for (const row of rows) expect(row).toMatchObject({ status: 'live', active: true, lagEvents: 0, running: true });
    // What each says of itself, for a client (the dashboard's projections page) to ask it the right way.
    const definitionOf = (key: string) => rows.find((r: { key: string }) => r.key === key).definition;
    expect(definitionOf('customer-view@3')).toMatchObject({ partitionBy: 'customer', queries: expect.arrayContaining(['view']) });
    expect(definitionOf('trust-score@103')).toMatchObject({ partitionBy: 'customer', queries: expect.arrayContaining(['score']) });
    expect(definitionOf('trust-score@103').description).toEqual(expect.any(String));
    expect((await get('/v1/projections', web.key)).statusCode).toBe(403);
    expect((await get('/v1/customers/nobody-here')).statusCode).toBe(404);
  });

  it("lists a projection's partitions a page at a time", async () => {
    const pages: { projection: string; partitions: string[]; next: string | null }[] = [];
    for (let after = ''; ; ) {
      const response = await get(`/v1/projections/trust-score/partitions?limit=25${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(response.statusCode).toBe(200);
      pages.push(response.json());
      if (pages.at(-1)!.next === null) break;
      after = pages.at(-1)!.next!;
    }
    const customers = pages.flatMap((page) => page.partitions);
    expect(pages[0]!.projection).toBe('trust-score@103');
    expect(pages.length).toBeGreaterThan(1);
    expect(customers).toEqual([...new Set(customers)].sort());
    // Each is a customer the projection answers for.
    expect((await get(`/v1/projections/trust-score/partitions/${customers.at(-1)}?query=score`)).statusCode).toBe(200);
    expect((await get('/v1/projections/nope/partitions')).json()).toMatchObject({ code: 'PROJ_ERR_UNKNOWN_PROJECTION' });
    expect((await get('/v1/projections/trust-score/partitions?limit=0')).statusCode).toBe(400);
  });

  it('refuses a malformed month or page with a problem naming the parameter', async () => {
    const month = await get('/v1/ledger/activity?from=2024-13');
    expect(month.statusCode).toBe(400);
    expect(month.json()).toMatchObject({ code: 'HTTP_ERR_INVALID_REQUEST' });
    expect(JSON.stringify(month.json().errors)).toContain('from');
    // A date that is not one says which forms are: not zod's bare "Invalid input".
    const date = await get('/v1/customers/C0000007?asOf=2024-13-01');
    expect(date.statusCode).toBe(400);
    expect(date.json().errors).toEqual([{ path: 'asOf', message: expect.stringContaining('expected YYYY-MM-DD or an ISO-8601 time with an offset') }]);
    const customer = (await mergeOf()).data as { survivorId: string };
    const page = await get(`/v1/customers/${customer.survivorId}/history?limit=0`);
    expect(page.statusCode).toBe(400);
    expect(page.json()).toMatchObject({ code: 'HTTP_ERR_INVALID_REQUEST' });
    expect(JSON.stringify(page.json().errors)).toContain('limit');
    const ordered = await get(`/v1/customers/${customer.survivorId}/history?order=sideways`);
    expect(ordered.statusCode).toBe(400);
    expect(JSON.stringify(ordered.json().errors)).toContain('order');
  });

  it('registers an analyst’s module (admin only), backfills it and serves its queries', async () => {
    const module = join(import.meta.dirname, '..', '..', 'examples', 'complaint-resolution.ts');
    const refused = await app.inject({ method: 'POST', url: '/v1/projections', headers: { authorization: `Bearer ${reader.key}`, 'content-type': 'application/json' }, payload: { module } });
    expect(refused.statusCode).toBe(403);
    const added = await app.inject({ method: 'POST', url: '/v1/projections', headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' }, payload: { module } });
    expect(added.statusCode).toBe(202);
    expect(added.json()).toEqual({ projection: 'complaint-resolution@1', module });
    expect(await readModels.modules()).toEqual([{ name: 'complaint-resolution', path: module }]);
    await runtime.waitFor((await store.head()).position);
    const rows = await get('/v1/projections/complaint-resolution/partitions/*?query=rows');
    expect(rows.statusCode).toBe(200);
    const body = rows.json();
    expect(body.projection).toBe('complaint-resolution@1');
    let resolved = 0;
    for await (const e of store.readAll({ types: ['ComplaintResolved'] })) resolved += e ? 1 : 0;
    expect(body.result.reduce((s: number, r: { resolved: number }) => s + r.resolved, 0)).toBe(resolved);
    const bad = await app.inject({ method: 'POST', url: '/v1/projections', headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' }, payload: { module: '/nowhere/missing.ts' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('PROJ_ERR_MODULE_INVALID');
  });

  it('removes an analyst’s module (admin only): its states and registration go, the others fold on; built-ins stay', async () => {
    const module = join(import.meta.dirname, '..', '..', 'examples', 'complaint-resolution.ts');
    const remove = (name: string, key = admin.key) => app.inject({ method: 'DELETE', url: `/v1/projections/${name}`, headers: { authorization: `Bearer ${key}` } });
    if (!(await readModels.modules()).length) {
      await app.inject({ method: 'POST', url: '/v1/projections', headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' }, payload: { module } });
      await runtime.waitFor((await store.head()).position);
    }
    expect((await readModels.rows()).map((r) => r.key)).toContain('complaint-resolution@1');
    expect((await remove('complaint-resolution', reader.key)).statusCode).toBe(403);
    const removed = await remove('complaint-resolution');
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual({ projection: 'complaint-resolution', versions: ['complaint-resolution@1'] });
    expect(await readModels.modules()).toEqual([]);
    expect((await readModels.rows()).map((r) => r.key).sort()).toEqual(['customer-view@3', 'trust-score@103']);
    expect(await readModels.isEmpty('complaint-resolution@1')).toBe(true);
    expect((await get('/v1/projections/complaint-resolution/partitions/*?query=rows')).json()).toMatchObject({ code: 'PROJ_ERR_UNKNOWN_PROJECTION' });
    // The others fold on; nothing stores the removed one again.
    const customer = ((await mergeOf()).data as { survivorId: string }).survivorId;
    const appended = await store.append(customerStreamId(customer), [interaction(customer, { occurredAt: clock.now.toISOString() })]);
    const position = appended.events.at(-1)!.globalPosition;
    await runtime.waitFor(position);
    expect((await readModels.row('customer-view@3'))!.position).toBeGreaterThanOrEqual(position);
    expect(await readModels.isEmpty('complaint-resolution@1')).toBe(true);
    expect((await readModels.rows()).some((r) => r.name === 'complaint-resolution')).toBe(false);
    // Built in, or never registered.
    expect(await remove('trust-score').then((r) => [r.statusCode, r.json().code])).toEqual([409, 'PROJ_ERR_NOT_REMOVABLE']);
    expect(await remove('complaint-resolution').then((r) => r.statusCode)).toBe(404);
    // Registered again, it rebuilds from the start.
    expect((await app.inject({ method: 'POST', url: '/v1/projections', headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' }, payload: { module } })).statusCode).toBe(202);
    await runtime.waitFor((await store.head()).position);
    expect((await get('/v1/projections/complaint-resolution/partitions/*?query=rows')).statusCode).toBe(200);
  });
});

describe('equity and ROC over HTTP', () => {
  it('serves the tracked series, and the series as known at an earlier moment computed from the log', async () => {
    const roc = await get('/v1/roc?period=quarter');
    expect(roc.statusCode).toBe(200);
    const body = roc.json();
    expect(body).toMatchObject({ currency: 'EUR', period: 'quarter', source: 'tracked', segment: null });
    expect(body.points.map((p: { period: string }) => p.period)).toEqual(equity.series().map((p) => p.period));
    const last = body.points[body.points.length - 1];
    if (last.roc !== null) expect(last.roc).toBeCloseTo((last.cashFlow + last.equityEnd - last.equityStart) / last.equityStart, 9);

    const earlier = (await get(`/v1/equity?period=quarter&knownAt=${encodeURIComponent(body.points[3].end)}`)).json();
    expect(earlier.source).toBe('computed');
    expect(earlier.points.length).toBeLessThan(body.points.length);
    const bySegment = (await get('/v1/equity?period=quarter&segment=acquisition-channel')).json();
    const segments = bySegment.points[bySegment.points.length - 1].segments['acquisition-channel'];
    expect(Object.keys(segments).length).toBeGreaterThan(0);
    // By year: computed (the tracker keeps quarters), each year ending where its last quarter ends.
    const years = (await get('/v1/roc?period=year')).json();
    expect(years).toMatchObject({ period: 'year', source: 'computed' });
    expect(years.points.length).toBeGreaterThan(0);
    for (const year of years.points) {
      const quarters = body.points.filter((p: { period: string }) => p.period.startsWith(`${year.period}-Q`));
      expect(year.equityEnd).toBeCloseTo(quarters.at(-1).equityEnd, 6);
    }
    expect((await get('/v1/roc?period=decade')).statusCode).toBe(400);
  });

  it("gives one customer's own equity per period, and the customers' equities add up to the total", async () => {
    const total = (await get('/v1/equity?period=quarter&knownAt=2030-01-01')).json();
    const last = total.points[total.points.length - 1];
    const buyers = new Set<string>();
    for await (const e of store.readAll({ types: ['PurchaseMade'] })) buyers.add(e.streamId.slice('customer-'.length));
    let sum = 0;
    for (const id of buyers) {
      const body = (await get(`/v1/customers/${id}/equity?period=quarter&knownAt=2030-01-01`)).json();
      expect(body.currency).toBe('EUR');
      // A merged-away id answers for its survivor: count each canonical customer once.
      if (body.customerId === id) sum += body.points[body.points.length - 1].equity ?? 0;
    }
    expect(last.equityEnd).not.toBeNull();
    expect(sum).toBeCloseTo(last.equityEnd, 2);
    expect((await get('/v1/customers/nobody/equity')).statusCode).toBe(404);
  }, 60_000);

  it("names the ledger's reporting currency and the digits of its minor unit, in which money is given", async () => {
    expect((await get('/v1/ledger')).json()).toEqual({ reportingCurrency: 'EUR', minorUnitDigits: 2 });
    expect((await get('/v1/ledger', web.key)).statusCode).toBe(403);
    const yen = createContract({ reportingCurrency: 'JPY' });
    const yenStore = getInMemoryEventStore({ contract: yen });
    const yenApp = await buildApp({ store: yenStore, contract: yen, ingestor: await Ingestor.open({ store: yenStore, contract: yen }), keys: new ApiKeyRing([reader.record]), logger: false });
    try {
      const answer = await yenApp.inject({ method: 'GET', url: '/v1/ledger', headers: { authorization: `Bearer ${reader.key}` } });
      expect(answer.json()).toEqual({ reportingCurrency: 'JPY', minorUnitDigits: 0 });
    } finally {
      await yenApp.close();
    }
  });

  it('lists restatements, and refuses keys without the read scope', async () => {
    const response = await get('/v1/restatements');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ currency: 'EUR', period: 'quarter', restatements: [] });
    expect((await get('/v1/roc', web.key)).statusCode).toBe(403);
    expect((await get('/v1/roc?period=fortnight')).statusCode).toBe(400);
  });

  it('keeps a series as known at a past moment once computed, and it stays what the log says after later appends', async () => {
    const head = await store.head();
    const knownAt = new Date(Date.parse(head.recordedAt!) - 200 * 86_400_000).toISOString();
    const url = `/v1/equity?period=quarter&knownAt=${encodeURIComponent(knownAt)}`;
    const first = (await get(url)).json();
    expect(first.source).toBe('computed');
    const again = (await get(url)).json();
    expect(again.source).toBe('kept');
    expect(again.points).toEqual(first.points);
    // A purchase recorded now about a moment before knownAt: not in that cut, so the kept series
    // is still exactly what the log gives for it.
    clock.now = new Date(clock.now.getTime() + 60_000);
    const buyer = (await store.readAll({ types: ['PurchaseMade'], maxCount: 1 })[Symbol.asyncIterator]().next()).value!;
    const late = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${web.key}`, 'content-type': 'application/json' },
      payload: { eventId: uuidv7(), type: 'PurchaseMade', schemaVersion: 2, customer: { kind: 'customerId', value: buyer.streamId.slice('customer-'.length) }, channel: 'web', source: 'web-shop', occurredAt: new Date(Date.parse(knownAt) - 30 * 86_400_000).toISOString(), data: { orderId: 'kept-1', amount: { minor: 900_000, currency: 'EUR' } } },
    });
    expect(late.statusCode).toBe(201);
    const recomputed = await querySeries(store, undefined, { period: 'quarter', knownAt: new Date(knownAt) });
    expect(recomputed.source).toBe('computed');
    expect((await get(url)).json()).toEqual({ ...again, source: 'kept' });
    expect(again.points).toEqual(recomputed.points);
  });
});

describe('the audit routes (scope audit)', () => {
  it('verify the chain, give a signed Merkle digest, and a bundle that checks offline against the pinned key', async () => {
    const verify = await get('/v1/audit/verify', auditor.key);
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ ok: true, checked: (await store.head()).position });
    const { digest, publicKey } = (await get('/v1/audit/digest', auditor.key)).json();
    expect(verifyDigestSignature(digest, createPublicKey(publicKey))).toBe(true);
    const merge = await mergeOf();
    const { survivorId } = merge.data as { survivorId: string };
    const bundle = (await get(`/v1/audit/customers/${survivorId}/bundle?asOf=2030-01-01`, auditor.key)).json() as AuditBundle;
    expect(bundle.members.length).toBe(2);
    const result = checkBundle(bundle, createPublicKey(signingKey.publicKeyPem));
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect((await get('/v1/audit/verify', reader.key)).statusCode).toBe(403);
    expect((await get('/v1/audit/customers/nobody/bundle', auditor.key)).statusCode).toBe(404);
  });

  it('keeps its Merkle tree from call to call: a digest after an append covers it, with the root of a tree built anew', async () => {
    const before = (await get('/v1/audit/digest', auditor.key)).json().digest;
    const { survivorId } = (await mergeOf()).data as { survivorId: string };
    await store.append(customerStreamId(survivorId), [interaction(survivorId)]);
    const { digest } = (await get('/v1/audit/digest', auditor.key)).json();
    const head = await store.head();
    expect(digest.size).toBe(before.size + 1);
    expect(digest.size).toBe(head.position);
    const { tree, recordedAt } = await merkleTreeOf(store);
    expect(digest).toMatchObject(await merkleDigestOf(tree, recordedAt));
    // The bundle's proofs read earlier tiles of the log again (more than 256 events here): they still check.
    expect(head.position).toBeGreaterThan(512);
    const bundle = (await get(`/v1/audit/customers/${survivorId}/bundle`, auditor.key)).json() as AuditBundle;
    expect(bundle.digest.size).toBe(head.position);
    expect(bundle.events.at(-1)!.position).toBe(head.position);
    expect(checkBundle(bundle, createPublicKey(signingKey.publicKeyPem)).checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('prove an event included, and a later tree consistent with an earlier digest, each against a signed digest', async () => {
    const key = createPublicKey(signingKey.publicKeyPem);
    const earlier = (await get('/v1/audit/digest?size=300', auditor.key)).json().digest;
    expect(earlier.size).toBe(300);
    expect(earlier.recordedAt).toBe((await storedRecordAt(store, 300))!.recordedAt);
    expect(verifyDigestSignature(earlier, key)).toBe(true);

    const included = (await get('/v1/audit/proof?position=123', auditor.key)).json();
    const stored = (await storedRecordAt(store, 123))!;
    expect(included).toMatchObject({ eventId: stored.eventId, position: 123, index: 122, size: (await store.head()).position, body: stored.body, leafHash: leafHash(stored.body).toString('hex') });
    expect(verifyDigestSignature(included.digest, key)).toBe(true);
    expect(verifyInclusion(included.leafHash, included.index, included.size, included.proof, included.digest.root)).toBe(true);
    expect(verifyInclusion(included.leafHash, included.index + 1, included.size, included.proof, included.digest.root)).toBe(false);
    // In a smaller tree: the proof holds against that tree's root, the one the earlier digest signed.
    const inEarlier = (await get('/v1/audit/proof?position=123&size=300', auditor.key)).json();
    expect(inEarlier.digest.root).toBe(earlier.root);
    expect(verifyInclusion(inEarlier.leafHash, 122, 300, inEarlier.proof, earlier.root)).toBe(true);

    const consistent = (await get('/v1/audit/consistency?first=300', auditor.key)).json();
    expect(consistent.first).toEqual({ size: 300, root: earlier.root });
    expect(verifyDigestSignature(consistent.second, key)).toBe(true);
    expect(verifyConsistency(300, consistent.second.size, earlier.root, consistent.second.root, consistent.proof)).toBe(true);
    expect(verifyConsistency(300, consistent.second.size, (await get('/v1/audit/digest?size=299', auditor.key)).json().digest.root, consistent.second.root, consistent.proof)).toBe(false);

    const past = (await store.head()).position + 1;
    expect((await get(`/v1/audit/proof?position=${past}`, auditor.key)).statusCode).toBe(404);
    expect((await get(`/v1/audit/digest?size=${past}`, auditor.key)).statusCode).toBe(404);
    expect((await get(`/v1/audit/consistency?first=${past}`, auditor.key)).statusCode).toBe(404);
    expect((await get('/v1/audit/proof?position=0', auditor.key)).statusCode).toBe(400);
    expect((await get('/v1/audit/proof?position=1', reader.key)).statusCode).toBe(403);
  });
});
