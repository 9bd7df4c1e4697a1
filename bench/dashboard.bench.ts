// The dashboard on a large ledger: the API calls behind each page, and each page in Chromium until
// its data is drawn. The ledger is the demo history of --customers over --years, loaded once into
// bench/.data and kept for later runs.
// Usage: node bench/dashboard.bench.ts [--customers 100000] [--years 1] [--runs 7]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { launchChromium } from '../test/support/browser.ts';
import { bin, startService } from '../test/support/serviceProcess.ts';
import { argValue, emit, median, percentile } from './lib/result.ts';

const customers = argValue('customers', 100_000);
const years = argValue('years', 1);
const runs = argValue('runs', 7);
const dataDir = join(import.meta.dirname, '.data', `dashboard-${customers}-${years}`);
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });

if (!existsSync(join(dataDir, 'events.db'))) {
  mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  const loaded = cli('demo', 'load', '--customers', String(customers), '--years', String(years), '--seed', 'bench-dashboard');
  if (loaded.status !== 0) throw new Error(`demo load failed: ${loaded.stderr}`);
  process.stderr.write(`bench: loaded ${customers} customers in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}
const firstStart = !existsSync(join(dataDir, 'readmodels.db'));
const key = cli('keys', 'create', '--id', `bench-${Date.now()}`, '--scope', 'read').stdout.trim();
// Known-at series kept by an earlier run are dropped, so that this run prepares every stop.
if (existsSync(join(dataDir, 'readmodels.db'))) {
  const db = new DatabaseSync(join(dataDir, 'readmodels.db'));
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'equity_known_at'").get()) db.exec('DELETE FROM equity_known_at');
  db.close();
}
const startedAt = performance.now();
const service = await startService(dataDir);
const get = async (path: string) => {
  const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<any>;
};

try {
  // Ready: every projection live and the equity series tracked. Until then the service may shed
  // load (503) while the tracker's first computation holds its thread.
  const tryGet = (path: string) => fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${key}` } }).then((r) => (r.ok ? (r.json() as Promise<any>) : undefined));
  for (;;) {
    const [projections, equity] = await Promise.all([tryGet('/v1/projections'), tryGet('/v1/equity')]);
    if (projections?.projections.every((p: { status: string }) => p.status === 'live') && equity?.points?.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const readySeconds = (performance.now() - startedAt) / 1000;
  const head = (await get('/v1/ledger/health')).head as { position: number; recordedAt: string };
  const events = head.position;
  const size = `${customers.toLocaleString('en-US')} customers, ${events.toLocaleString('en-US')} events`;
  emit({
    case: firstStart ? 'dashboard-serve-first-start' : 'dashboard-serve-ready',
    impl: 'roc-ledger',
    events,
    seconds: readySeconds,
    events_per_s: events / readySeconds,
    runs: 1,
    note: `serve started on ${size} until the projections are live and the equity series tracked; ${firstStart ? 'a first start: the projections backfilled and the series computed from nothing' : 'a restart: read models kept, the chain walk and the identity index rebuilt'}`,
  });

  const customer = `C${String(Math.ceil(customers / 2)).padStart(7, '0')}`;
  const view = await get(`/v1/customers/${customer}`);
  const identifier = `${view.result.identifiers[0].kind}:${view.result.identifiers[0].value}`;
  const months = (await get('/v1/ledger/activity')).months as { month: string }[];
  const monthEnd = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5)), 1) - 1).toISOString();

  const timed = async (name: string, path: string, note: string, times = runs) => {
    const ms: number[] = [];
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      await get(path);
      ms.push(performance.now() - started);
    }
    const total = ms.reduce((a, b) => a + b, 0) / 1000;
    emit({ case: `dashboard-${name}`, impl: 'roc-ledger', events: ms.length, seconds: total, events_per_s: ms.length / total, p50_ms: median(ms), p99_ms: percentile(ms, 99), runs: ms.length, note: `${path.split('?')[0]} ${note}; ${size}` });
  };
  await timed('equity', '/v1/equity', 'the tracked monthly series, in total');
  await timed('equity-segment', '/v1/equity?segment=acquisition-channel', 'by acquisition channel (tracked)');
  // The known-at slider: the stops the service prepares in the background after start (each
  // computed once from the log on the worker thread), then each stop answered from what is kept.
  // The first stop asked before it is prepared waits for the series being computed and its own.
  const cold = months.at(-2)!.month;
  await timed('equity-known-at-cold', `/v1/equity?knownAt=${monthEnd(cold)}`, `as known at ${cold}'s end, asked while the service prepares the stops`, 1);
  for (;;) {
    const { knownAt } = await get('/v1/ledger/health');
    if (knownAt.started && knownAt.kept === knownAt.stops && !knownAt.running) {
      const seconds = (performance.now() - startedAt) / 1000 - readySeconds;
      emit({ case: 'dashboard-known-at-prepared', impl: 'roc-ledger', events: knownAt.stops, seconds, events_per_s: knownAt.stops / seconds, runs: 1, note: `the ${knownAt.stops} known-at stops (month ends) prepared after serve was ready, one series at a time on the worker thread; ${size}` });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const stops = months.slice(0, -1).map((m) => monthEnd(m.month));
  {
    const ms: number[] = [];
    for (const stop of stops) {
      const started = performance.now();
      const answer = await get(`/v1/equity?knownAt=${stop}`);
      ms.push(performance.now() - started);
      if (answer.source !== 'kept') throw new Error(`the stop ${stop} was not kept: ${answer.source}`);
    }
    const total = ms.reduce((a, b) => a + b, 0) / 1000;
    emit({ case: 'dashboard-equity-known-at-kept', impl: 'roc-ledger', events: ms.length, seconds: total, events_per_s: ms.length / total, p50_ms: median(ms), p99_ms: percentile(ms, 99), runs: ms.length, note: `/v1/equity at each of the slider's ${ms.length} stops once prepared (kept); ${size}` });
  }
  await timed('restatements', '/v1/restatements', 'every restatement');
  await timed('ledger-activity', '/v1/ledger/activity', `${months.length} months by channel and type`);
  await timed('ledger-health', '/v1/ledger/health', 'head, latest chain walk, projections, ingestion since start');
  await timed('customer-lookup', `/v1/customers?identifier=${encodeURIComponent(identifier)}`, 'a customer found by an identifier');
  await timed('customer-view', `/v1/customers/${customer}`, 'the single customer view');
  await timed('customer-trust', `/v1/customers/${customer}/trust`, 'the trust score with contributions');
  await timed('customer-history-page', `/v1/customers/${customer}/history?order=desc&limit=50`, 'the newest 50 events of a customer');

  // The pages in Chromium: from navigation to everything drawn (body[data-busy=false] after the first load),
  // once the chain walk that follows a start has ended (it takes one of the two cores for a minute or more).
  let health = await get('/v1/ledger/health');
  for (; health.chain === null; health = await get('/v1/ledger/health')) await new Promise((resolve) => setTimeout(resolve, 1000));
  const walk = `after the start's chain walk (${(health.chain.durationMs / 1000).toFixed(0)} s)`;
  const browser = await launchChromium();
  try {
    for (const [name, path, chart] of [
      ['equity-roc', '', 'roc'],
      ['customer', `customer.html?customer=${encodeURIComponent(identifier)}`, 'trust'],
      ['ledger-health', 'health.html', 'late'],
    ] as const) {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        const page = await browser.newPage();
        await page.addInitScript((k) => sessionStorage.setItem('roc-ledger.apiKey', k), key);
        const started = performance.now();
        await page.goto(`${service.url}/dashboard/${path}`);
        // A function, not a string: the dashboard's CSP forbids evaluating strings.
        await page.waitForFunction((id) => (window as unknown as { rocCharts?: Record<string, unknown> }).rocCharts?.[id] !== undefined && document.body.dataset.busy === 'false', chart, { timeout: 600_000 });
        ms.push(performance.now() - started);
        await page.close();
      }
      const total = ms.reduce((a, b) => a + b, 0) / 1000;
      emit({ case: `dashboard-page-${name}`, impl: 'roc-ledger', events: ms.length, seconds: total, events_per_s: ms.length / total, p50_ms: median(ms), p99_ms: percentile(ms, 99), runs: ms.length, note: `headless Chromium, navigation until every chart is drawn, ${walk}; ${size}` });
    }
  } finally {
    await browser.close();
  }
} finally {
  await service.stop();
}
