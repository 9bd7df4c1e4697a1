import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitBgNbd, purchasesFromLedger, summarize } from '@roc-ledger/clv';
import type { RecordedEvent } from '@roc-ledger/ledger';
import { openStore, tempDataDir } from '../support/tempLedger.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'roc-ledger.js');
const example = join(root, 'examples', 'complaint-resolution.ts');
const temp = tempDataDir();

const cli = (args: string[]) => {
  const result = spawnSync(process.execPath, [bin, '--data-dir', temp.dir, ...args], { encoding: 'utf8', env: { ...process.env, ROC_LEDGER_DATA_DIR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** A projection module in the test's folder, outside the installation: `defineProjection` imported, then these lines. */
const projectionModule = (file: string, lines: string[]): string => {
  const path = join(temp.dir, file);
  writeFileSync(path, ["import { defineProjection } from '@roc-ledger/projections';", ...lines, ''].join('\n'));
  return path;
};

beforeAll(() => {
  expect(cli(['demo', 'load', '--customers', '60', '--years', '1', '--seed', 'project-cli']).code).toBe(0);
}, 60_000);
afterAll(() => temp.cleanup());

describe('roc-ledger clv fit', () => {
  it("fits BG/NBD and Gamma-Gamma on the ledger's purchases, as the library does on the same purchases", async () => {
    const run = cli(['clv', 'fit', '--as-of', '2023-12-31', '--json']);
    expect(run.code).toBe(0);
    const fit = JSON.parse(run.stdout);
    const store = openStore(temp.dbPath);
    const customers = summarize(await purchasesFromLedger(store, { asOf: new Date('2023-12-31T23:59:59.999Z') }), Date.parse('2023-12-31T23:59:59.999Z'));
    await store.close();
    const library = fitBgNbd(customers).params;
    expect(fit).toMatchObject({ customers: customers.length, timeUnit: 'week', currency: 'EUR', bgNbd: { converged: true }, gammaGamma: { converged: true } });
    expect(cli(['clv', 'fit', '--as-of', '2023-12-31']).stdout).toMatch(/mean spend per repeat purchase \(EUR\): [\d.]+ observed/);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) expect(fit.bgNbd[key]).toBeCloseTo(library[key], 3);
    expect(fit.bgNbd.repeatPurchasesObserved).toBe(customers.reduce((s, c) => s + c.x, 0));
    const earlier = JSON.parse(cli(['clv', 'fit', '--as-of', '2023-06-30', '--json']).stdout);
    expect(earlier.purchases).toBeLessThan(fit.purchases);
  });
});

describe('roc-ledger equity, roc, restatements', () => {
  it('prints the series as a table, CSV or JSON, and the series as known at an earlier moment', () => {
    const table = cli(['roc', '--period', 'quarter']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^period\s+segment\s+ROC\s+cash flow \(EUR\)\s+CE start \(EUR\)\s+CE end \(EUR\)/);
    // Money to the cent: the euro's minor unit.
    expect(table.stdout.split('\n')[2]).toMatch(/^2023-Q1\s+total\s+\S*\s*\d+\.\d\d\s/);
    const json = JSON.parse(cli(['equity', '--period', 'quarter', '--format', 'json']).stdout);
    expect(json).toMatchObject({ currency: 'EUR', period: 'quarter', source: 'computed' });
    expect(json.points.map((p: { period: string }) => p.period).slice(0, 4)).toEqual(['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4']);
    const csv = cli(['equity', '--period', 'quarter', '--format', 'csv', '--segment', 'main-channel']).stdout.trim().split('\n');
    expect(csv[0]).toBe('period,segment,customers,equity_start,equity_end,cash_flow,roc');
    expect(csv.slice(1).every((line) => /^20\d\d-Q\d,(web|store|phone|app|email|partner|unknown),/.test(line))).toBe(true);
    const earlier = JSON.parse(cli(['equity', '--period', 'quarter', '--format', 'json', '--known-at', '2023-06-30']).stdout);
    expect(earlier.points.map((p: { period: string }) => p.period)).toEqual(['2023-Q1', '2023-Q2']);
    expect(cli(['roc', '--period', 'fortnight']).code).toBe(2);
    // A pinned model version values every period with the same parameters.
    const pinned = JSON.parse(cli(['equity', '--period', 'quarter', '--format', 'json', '--pin-models-at', '2023-12-31']).stdout);
    const models = new Set(pinned.points.map((p: { models: unknown }) => JSON.stringify(p.models)));
    expect(models.size).toBe(1);
    expect(JSON.parse([...models][0] as string)).toHaveProperty('bgNbd.r');
    const tooEarly = cli(['equity', '--pin-models-at', '2023-01-15']);
    expect(tooEarly.code).toBe(2);
    expect(tooEarly.stderr).toContain('EQUITY_ERR_MODELS_UNAVAILABLE');
    expect(cli(['restatements']).stdout).toContain('0 restatement(s)');
    const one = JSON.parse(cli(['equity', '--period', 'quarter', '--format', 'json', '--customer', 'C0000001']).stdout);
    expect(one).toMatchObject({ customerId: 'C0000001', currency: 'EUR', period: 'quarter' });
    expect(one.points.map((p: { period: string }) => p.period)).toEqual(json.points.map((p: { period: string }) => p.period));
    const oneCsv = cli(['equity', '--period', 'quarter', '--format', 'csv', '--customer', 'C0000001']).stdout.trim().split('\n');
    expect(oneCsv).toEqual(['period,customer_equity', ...one.points.map((p: { period: string; equity: number | null }) => `${p.period},${p.equity ?? ''}`)]);
    expect(cli(['restatements', '--format', 'csv']).stdout).toBe('period,recorded_at,old_equity_end,new_equity_end,old_roc,new_roc,caused_by\n');
    expect(cli(['equity', '--customer', 'C9999999']).code).toBe(6);
  });

  it('gives money in the reporting currency the ledger was created with, to its minor unit: whole yen', () => {
    const yen = tempDataDir();
    try {
      const inYen = (args: string[]) => spawnSync(process.execPath, [bin, '--data-dir', yen.dir, ...args], { encoding: 'utf8', env: { ...process.env, ROC_LEDGER_DATA_DIR: '', ROC_LEDGER_REPORTING_CURRENCY: 'JPY' } });
      const purchases = Array.from({ length: 12 }, (_, i) => ({
        eventId: `0193a0c4-1f2e-7c3d-8e4f-${String(i).padStart(12, '0')}`,
        type: 'PurchaseMade',
        schemaVersion: 2,
        customer: { kind: 'email', value: `buyer${i % 4}@example.com` },
        channel: 'store',
        source: 'till',
        occurredAt: `2024-${String(i + 1).padStart(2, '0')}-10T10:00:00Z`,
        data: { orderId: `O-${i}`, amount: { minor: 1234 + i, currency: 'JPY' } },
      }));
      const file = join(yen.dir, 'purchases.ndjson');
      writeFileSync(file, purchases.map((p) => JSON.stringify(p)).join('\n'));
      const imported = inYen(['import', file]);
      expect(imported.status, imported.stderr).toBe(0);
      const table = inYen(['roc', '--period', 'year']);
      expect(table.status, table.stderr).toBe(0);
      const [header, , year] = table.stdout.split('\n');
      expect(header).toMatch(/cash flow \(JPY\)\s+CE start \(JPY\)\s+CE end \(JPY\)/);
      // The year's purchases, in yen as they were recorded (minor units are yen): no decimals.
      const spent = purchases.reduce((sum, p) => sum + p.data.amount.minor, 0);
      expect(year).toMatch(new RegExp(`^2024\\s+total\\s+.*\\b${spent}\\s`));
      const json = JSON.parse(inYen(['equity', '--period', 'year', '--format', 'json']).stdout);
      expect(json.currency).toBe('JPY');
      expect(json.points[0]).toMatchObject({ period: '2024', cashFlow: spent });
    } finally {
      yen.cleanup();
    }
  });
});

describe('roc-ledger project', () => {
  it('runs an analyst’s module over all history and writes CSV, JSON or NDJSON', async () => {
    const csv = join(temp.dir, 'resolution.csv');
    const run = cli(['project', 'run', example, '--out', csv]);
    expect(run.code).toBe(0);
    // It says how many events it read (only the two complaint types), and how far.
    const store = openStore(temp.dbPath);
    let complaints = 0;
    for await (const _ of store.readAll({ types: ['ComplaintOpened', 'ComplaintResolved'] })) complaints++;
    const head = (await store.head()).position;
    await store.close();
    expect(complaints).toBeGreaterThan(0);
    expect(complaints).toBeLessThan(head);
    expect(run.stderr).toMatch(new RegExp(`^complaint-resolution@1: ${complaints} event\\(s\\) of the types it reads, to position ${head}, in [\\d.]+ s; \\d+ row\\(s\\) written to `));
    const [header, ...rows] = readFileSync(csv, 'utf8').trim().split('\n');
    expect(header).toBe('channel,month,resolved,meanHours,lateShare');
    expect(rows.length).toBeGreaterThan(0);
    const json = join(temp.dir, 'resolution.json');
    expect(cli(['project', 'run', example, '--out', json, '--as-of', '2023-06-30']).code).toBe(0);
    const early = JSON.parse(readFileSync(json, 'utf8'));
    expect(early).toMatchObject({ projection: 'complaint-resolution@1', asOf: '2023-06-30T23:59:59.999Z' });
    expect(early.rows.every((r: { month: string }) => r.month <= '2023-06')).toBe(true);
    const ndjson = cli(['project', 'run', 'trust-score']);
    expect(ndjson.code).toBe(0);
    expect(ndjson.stdout.trim().split('\n').length).toBe(60);
    expect(cli(['project', 'run', example, '--out', join(temp.dir, 'x.txt')]).code).toBe(2);
  });

  it('diffs two versions over the same history: exit 0 when equal, 7 with the differing paths when not', () => {
    expect(cli(['project', 'diff', 'trust-score', 'trust-score']).code).toBe(0);
    const v2 = join(temp.dir, 'trust-v2.ts');
    writeFileSync(
      v2,
      // In a folder of its own, outside the installation: roc-ledger's packages resolve from the installation.
      "import { TRUST_RULES_V1, trustScoreProjection } from '@roc-ledger/trust-score';\nexport default trustScoreProjection({ ...TRUST_RULES_V1, version: 2, refund: -7 });\n",
    );
    const diff = cli(['project', 'diff', 'trust-score', v2, '--json']);
    expect(diff.code).toBe(7);
    // Folded together on threads, a shard of the customers each: the same comparison.
    const onThreads = cli(['project', 'diff', 'trust-score', v2, '--json', '--threads', '2']);
    expect(onThreads.code).toBe(7);
    expect(onThreads.stdout).toBe(diff.stdout);
    const body = JSON.parse(diff.stdout);
    expect(body).toMatchObject({ a: 'trust-score@103', b: 'trust-score@203' });
    expect(body.differing).toBeGreaterThan(0);
    expect(body.differences[0].paths.some((p: string) => p.startsWith('contributions'))).toBe(true);
    // As text: each differing path with both versions' values there.
    const text = cli(['project', 'diff', 'trust-score', v2, '--limit', '1']);
    expect(text.code).toBe(7);
    const [summary, first, ...more] = text.stdout.trim().split('\n');
    expect(summary).toBe(`trust-score@103 and trust-score@203 over positions 1..${body.position}: ${body.partitions.a} and ${body.partitions.b} partition(s), ${body.differing} differ`);
    expect(more).toEqual([]);
    const { partition, a, b } = body.differences[0];
    const effects = (state: { contributions: { effect: number[] } }) => JSON.stringify(state.contributions.effect);
    expect(first!.startsWith(`  ${partition}: contributions.effect ${effects(a).slice(0, 39)}`)).toBe(true);
    expect(first).toContain(` → ${effects(b).slice(0, 39)}`);
  });

  it("runs a module kept outside the installation, importing roc-ledger's packages by name", () => {
    const module = projectionModule('offer-uptake.ts', [
      'export default defineProjection<{ presented: number }>({',
      "  name: 'offer-uptake', version: 1, consumes: ['OfferPresented'], initialState: { presented: 0 },",
      '  handlers: { OfferPresented: (state) => { state.presented++; } },',
      '});',
    ]);
    const run = cli(['project', 'run', module]);
    expect(run.stderr).not.toContain('PROJ_ERR');
    expect(run.code).toBe(0);
    const rows = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { partition: string; presented: number });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.presented > 0)).toBe(true);
    // Only @roc-ledger/ names are lent: any other package the module cannot find stays an error naming it.
    writeFileSync(module, "import { nothing } from 'no-such-package';\nexport default nothing;\n");
    const missing = cli(['project', 'run', module]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/PROJ_ERR_MODULE_INVALID.*no-such-package/);
  });

  it('folds a per-customer projection on threads, a shard of the customers each, to the result one thread gives, in a cut too', () => {
    for (const cut of [[], ['--as-of', '2023-06-30', '--known-at', '2023-09-30']]) {
      const one = cli(['project', 'run', 'customer-view', '--threads', '1', ...cut]);
      const three = cli(['project', 'run', 'customer-view', '--threads', '3', ...cut]);
      expect([one.code, three.code]).toEqual([0, 0]);
      expect(one.stderr).toMatch(/event\(s\) of the types it reads, to position \d+, in/);
      expect(three.stderr).toMatch(/^customer-view@3: to position \d+ on 3 threads \(a shard of the customers each\), in [\d.]+ s; \d+ row\(s\)/);
      expect(one.stdout.trim().split('\n').length).toBeGreaterThan(cut.length > 0 ? 0 : 59);
      expect(three.stdout).toBe(one.stdout);
    }
  });

  it('reports a handler that throws on a thread as on one thread: the projection, the event and its position', async () => {
    const store = openStore(temp.dbPath);
    let purchase!: RecordedEvent;
    for await (const event of store.readAll({ types: ['PurchaseMade'], maxCount: 30 })) purchase = event;
    await store.close();
    const module = projectionModule('breaks.ts', [
      'export default defineProjection<{ n: number }>({',
      "  name: 'breaks', version: 1, consumes: ['PurchaseMade'], initialState: { n: 0 },",
      `  handlers: { PurchaseMade: (state, event) => { if (event.globalPosition === ${purchase.globalPosition}) throw new Error('no such order'); state.n++; } },`,
      '});',
    ]);
    const one = cli(['project', 'run', module, '--threads', '1']);
    const two = cli(['project', 'run', module, '--threads', '2']);
    expect(one.code).not.toBe(0);
    expect(two.code).toBe(one.code);
    expect(one.stderr).toContain(`projection breaks@1 stopped at position ${purchase.globalPosition} (event ${purchase.eventId}, PurchaseMade): no such order`);
    expect(two.stderr).toContain(`projection breaks@1 stopped at position ${purchase.globalPosition} (event ${purchase.eventId}, PurchaseMade): no such order`);
  });

  it('folds on its own thread a module that reads personal values, so that they reach no file', () => {
    const module = projectionModule('names.ts', [
      'export default defineProjection<{ names: number }>({',
      "  name: 'names', version: 1, consumes: ['ProfileUpdated'], personalData: ['ProfileUpdated'], initialState: { names: 0 },",
      '  handlers: { ProfileUpdated: (state, event) => { if (event.data.givenName) state.names++; } },',
      '});',
    ]);
    const run = cli(['project', 'run', module, '--threads', '2']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^names@1: \d+ event\(s\) of the types it reads, to position \d+, in/);
  });

  it('removes its temporary states when interrupted while folding on threads', async () => {
    const tmp = mkdtempSync(join(temp.dir, 'tmp-'));
    const child = spawn(process.execPath, [bin, '--data-dir', temp.dir, 'project', 'run', 'customer-view', '--threads', '2'], { env: { ...process.env, ROC_LEDGER_DATA_DIR: '', TMPDIR: tmp }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Interrupted once its temporary folder exists (the OS temp folder also holds Node's compile cache).
    const states = () => readdirSync(tmp).filter((name) => name.startsWith('roc-project-run-'));
    while (states().length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(states()).toEqual([]);
  }, 30_000);

  it('names a module that exports no projection', () => {
    const bad = join(temp.dir, 'nothing.ts');
    writeFileSync(bad, 'export const x = 1;\n');
    const run = cli(['project', 'run', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PROJ_ERR_MODULE_INVALID');
  });
});
