import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getSqliteReadModelStore, loadProjectionModule, ProjectionRuntime, stateHash, type ProjectionStatusReport } from '@roc-ledger/projections';
import { getPostgresReadModelStore } from '@roc-ledger/readmodels-postgres';
import { openLedger } from '../../packages/cli/src/openLedger.ts';
import { BUILT_IN_PROJECTIONS } from '../../packages/cli/src/projections.ts';
import { dropSchema, testPostgresUrl } from '../support/postgres.ts';
import { cli, startService, type RunningService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { byId, webEvent } from '../support/webEvents.ts';
import { launchChromium, watchedPage } from '../support/browser.ts';

const analystModule = join(import.meta.dirname, '..', '..', 'examples', 'complaint-resolution.ts');

const until = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('separate API and projector services on one event store and PostgreSQL read models', () => {
  const temp = tempDataDir();
  const schema = `roles_${randomBytes(5).toString('hex')}`;
  const env = { ROC_LEDGER_READ_MODELS_URL: testPostgresUrl, ROC_LEDGER_READ_MODELS_SCHEMA: schema };
  const running: RunningService[] = [];
  afterAll(async () => {
    for (const service of running) if (service.process.exitCode === null) service.process.kill('SIGKILL');
    await dropSchema(schema);
    temp.cleanup();
  });

  it('split the customers between projector instances; a projector killed with -9 while events arrive has its shards taken over, and the states equal one clean rebuild', async () => {
    expect(cli(temp.dir, ['demo', 'load', '--customers', '300', '--years', '1', '--seed', '11']).status).toBe(0);
    const key = cli(temp.dir, ['keys', 'create', '--id', 'ops', '--scope', 'ingest:web', 'read']).stdout.trim();
    const adminKey = cli(temp.dir, ['keys', 'create', '--id', 'admin', '--scope', 'admin']).stdout.trim();
    const start = async (args: string[]) => {
      const service = await startService(temp.dir, env, args);
      running.push(service);
      return service;
    };
    const projector = (name: string) => start(['--role', 'projector', '--shards', '4', '--lease-ttl', '2', '--instance', name]);
    const a = await projector('A');
    const b = await projector('B');
    const api = await start(['--role', 'api']);
    const call = async (path: string, body?: unknown) => {
      const response = await fetch(`${api.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const statuses = async () => (await call('/v1/projections')).body.projections as ProjectionStatusReport[];
    const owners = async () => (await statuses()).find((p) => p.key === 'customer-view@3')?.shards?.map((s) => s.owner) ?? [];

    // Both instances hold two shards each once A has handed two back.
    await until(async () => ((await owners()).filter((o) => o === 'A').length === 2 && (await owners()).filter((o) => o === 'B').length === 2 ? true : undefined), 30_000, 'A and B to hold two shards each');
    const metrics = await (await fetch(`${a.url}/metrics`)).text();
    expect(metrics).toMatch(/roc_ledger_projector_shards_held 2/);
    expect(metrics).toMatch(/^roc_ledger_read_model_duration_seconds_count\{operation="commit"\} [1-9]/m);
    expect((await fetch(`${b.url}/health/ready`)).status).toBe(200);

    // Purchases arrive over the API for customers in every shard; A dies in the middle.
    const posted: number[] = [];
    for (let i = 0; i < 240; i++) {
      if (i === 120) a.process.kill('SIGKILL');
      const customer = byId(`C${String((i * 7) % 300).padStart(7, '0')}`);
      const result = await call('/v1/events', webEvent(customer, 'PurchaseMade', { orderId: `roles-${i}`, amount: { minor: 100 + i, currency: 'EUR' } }, 2));
      expect(result.status).toBe(201);
      posted.push(result.body.globalPosition);
    }
    const head = Math.max(...posted);
    // B takes A's shards once their leases run out, and catches up with everything.
    await until(async () => ((await owners()).every((o) => o === 'B') ? true : undefined), 30_000, 'B to take every shard');
    const caughtUp = await until(async () => {
      const all = await statuses();
      return all.length === 3 && all.every((p) => p.position >= head && p.status === 'live') ? all : undefined;
    }, 60_000, 'the projections to catch up');
    expect(caughtUp.map((p) => p.key).sort()).toEqual(['customer-view@3', 'ledger-activity@1', 'trust-score@103']);
    const lastPurchase = await call(`/v1/customers/${`C${String((239 * 7) % 300).padStart(7, '0')}`}`);
    expect(lastPurchase.status).toBe(200);

    // An analyst's module registered through the API service is taken up by the projector.
    const added = await fetch(`${api.url}/v1/projections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ module: analystModule }),
    });
    expect(added.status).toBe(202);
    const analyst = ((await added.json()) as { projection: string }).projection;
    await until(async () => {
      const row = (await statuses()).find((p) => p.key === analyst);
      return row && row.position >= head && row.status === 'live' && row.shards?.every((s) => s.owner === 'B') ? true : undefined;
    }, 60_000, `${analyst} to be folded by the projector`);

    // The API service's health page shows each shard and the instance folding it.
    const browser = await launchChromium();
    try {
      const { page, errors } = await watchedPage(browser);
      await page.goto(`${api.url}/dashboard/health.html`);
      await page.waitForSelector('#sign-in:not([hidden])');
      await page.fill('#api-key', key);
      await page.press('#api-key', 'Enter');
      await page.waitForFunction(() => document.body.dataset.busy === 'false' && !document.querySelector('#sign-in:not([hidden])'));
      const rows = await page.$$eval('#projections table:nth-of-type(2) tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td,th')].map((c) => c.textContent?.trim())));
      expect(rows).toHaveLength(16); // four projections, four shards each
      expect(rows.filter((r) => r[0] === 'customer-view@3').map((r) => [r[1], r[4]])).toEqual([['1 of 4', 'B'], ['2 of 4', 'B'], ['3 of 4', 'B'], ['4 of 4', 'B']]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }

    // Another module, removed through the API service: the projector stops folding it at its next look at the
    // registered modules, nothing stores it again, and its shards' leases stay where they were.
    const visitsModule = join(temp.dir, 'visits.ts');
    writeFileSync(visitsModule, "export default { name: 'visits', version: 1, consumes: ['InteractionRecorded'], initialState: { n: 0 }, handlers: { InteractionRecorded: (s) => { s.n += 1; } } };\n");
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await admin('POST', '/v1/projections', { module: visitsModule })).status).toBe(202);
    await until(async () => ((await statuses()).find((p) => p.key === 'visits@1')?.shards?.every((s) => s.owner === 'B') ? true : undefined), 60_000, 'visits to be folded by the projector');
    const removed = await admin('DELETE', '/v1/projections/visits');
    expect(removed.status).toBe(200);
    const mark = b.output().length;
    // Events folded before the projector looks again: its commit of visits is refused (dropped), and only visits stops.
    const purchase = (orderId: string) => call('/v1/events', webEvent(byId('C0000001'), 'InteractionRecorded', { kind: 'visit', initiatedBy: 'customer', topic: orderId }, 1));
    const before = await purchase('before-the-look');
    expect(before.status).toBe(201);
    await until(async () => ((await statuses()).every((p) => p.position >= before.body.globalPosition) ? true : undefined), 30_000, 'the projections to fold an event');
    await until(async () => (b.output().slice(mark).includes('"msg":"projection removed"') ? true : undefined), 30_000, 'the projector to stop folding visits');
    const after = await purchase('after-the-look');
    expect(after.status).toBe(201);
    await until(async () => ((await statuses()).every((p) => p.position >= after.body.globalPosition) ? true : undefined), 30_000, 'the projections to fold a new event');
    expect((await statuses()).map((p) => p.key).sort()).toEqual([analyst, 'customer-view@3', 'ledger-activity@1', 'trust-score@103'].sort());
    expect(b.output().slice(mark)).not.toContain('shard lease lost');
    expect(await owners()).toEqual(['B', 'B', 'B', 'B']);

    expect(await api.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    // B handed its shards back as it stopped: project status shows each shard's checkpoint and no holder.
    const status = cli(temp.dir, ['project', 'status'], env).stdout;
    expect(status).toMatch(/customer-view@3\s+4\/4\s+live\s+\d+\s+\(none\)/);

    // Exactly the states one process folding the whole log alone ends in: no event twice, none missed.
    const ledger = openLedger(temp.dir);
    const clean = getSqliteReadModelStore(':memory:');
    const runtime = new ProjectionRuntime({ store: ledger.store, readModels: clean, definitions: [...BUILT_IN_PROJECTIONS, await loadProjectionModule(analystModule)] });
    await runtime.start();
    await runtime.waitFor((await ledger.store.head()).position);
    await runtime.stop();
    const shared = await getPostgresReadModelStore({ connectionString: testPostgresUrl, schema });
    for (const projection of [...caughtUp, { key: analyst }]) {
      const mine = await stateHash(shared, projection.key);
      expect(mine.partitions).toBeGreaterThan(0);
      expect(mine, projection.key).toEqual(await stateHash(clean, projection.key));
    }
    await shared.close();
    await clean.close();
    await ledger.store.close();

    // With no projector folding the shared read models, the CLI's erasure says they are pending.
    const erased = cli(temp.dir, ['erase', 'C0000007', '--json'], env);
    expect(erased.status).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ customerId: 'C0000007', readModels: 'pending' });
  }, 240_000);

  it('refuses the api and projector roles on SQLite read models, with the code that says why', () => {
    const other = tempDataDir();
    try {
      const result = cli(other.dir, ['serve', '--role', 'projector', '--port', '0']);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('PROJ_ERR_SHARDING_UNSUPPORTED');
      expect(result.stderr).toContain('ROC_LEDGER_READ_MODELS_URL');
    } finally {
      other.cleanup();
    }
  });
});
