import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, testPostgresUrl } from '../support/postgres.ts';
import { cli, startService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { byId, webEvent } from '../support/webEvents.ts';

describe('serve with its read models on PostgreSQL', () => {
  const temp = tempDataDir();
  const schema = `serve_${randomBytes(5).toString('hex')}`;
  const env = { ROC_LEDGER_READ_MODELS_URL: testPostgresUrl, ROC_LEDGER_READ_MODELS_SCHEMA: schema };
  afterAll(async () => {
    await dropSchema(schema);
    temp.cleanup();
  });

  it('keeps the projections in the PostgreSQL schema named, answers from them, and finds them again after a restart', async () => {
    const key = cli(temp.dir, ['keys', 'create', '--id', 'shop', '--scope', 'ingest:web', 'read']).stdout.trim();
    let service = await startService(temp.dir, env);
    const call = (path: string, body?: unknown) =>
      fetch(`${service.url}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    try {
      expect((await call('/v1/events', webEvent(byId('PG1'), 'PurchaseMade', { orderId: 'pg-1', amount: { minor: 4200, currency: 'EUR' } }, 2))).status).toBe(201);
      let view = await call('/v1/customers/PG1');
      for (let i = 0; i < 50 && view.status !== 200; i++) view = (await new Promise((r) => setTimeout(r, 100)), await call('/v1/customers/PG1'));
      expect(((await view.json()) as { result: { purchases: { minor: number } } }).result.purchases.minor).toBe(4200);
    } finally {
      expect(await service.stop()).toBe(0);
    }

    const db = new pg.Client({ connectionString: testPostgresUrl });
    await db.connect();
    const rows = await db.query(`SELECT projection, state FROM "${schema}".projection_states WHERE partition = 'PG1' ORDER BY projection`);
    await db.end();
    expect(rows.rows.map((r) => r.projection)).toEqual(['customer-view@3', 'trust-score@103']);
    expect(JSON.parse(rows.rows[0].state).purchases).toMatchObject({ count: 1, minor: 4200 });
    expect(cli(temp.dir, ['project', 'status', '--json']).stdout).not.toContain('customer-view'); // not in SQLite: nothing there

    service = await startService(temp.dir, env);
    try {
      const status = (await (await call('/v1/projections')).json()) as { projections: { key: string; lagEvents: number }[] };
      expect(status.projections.map((p) => p.key).sort()).toEqual(['customer-view@3', 'ledger-activity@1', 'trust-score@103']);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });
});
