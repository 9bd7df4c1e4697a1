import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { uuidv7 } from '@roc-ledger/events';
import { accessibilityViolations, launchChromium, screenshot, settled, watchedPage } from '../support/browser.ts';
import { cli, startService, type RunningService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';

type Charts = Record<string, { labels: string[]; lines: Record<string, (number | null)[]>; markers: number[]; renders: number }>;
interface Point { period: string; start: string; equityEnd: number | null; roc: number | null; segments?: Record<string, Record<string, { equityEnd: number | null }>> }

const DAY = 86_400_000;
const LATE_CUSTOMER = 'C0000001';

describe('the dashboard in a real Chromium, on a service loaded with demo data', () => {
  const temp = tempDataDir();
  let service: RunningService;
  let browser: Browser;
  let readKey: string;
  let adminKey: string;
  let latePurchase: { eventId: string; period: string };

  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${service.url}${path}`, { headers: { authorization: `Bearer ${readKey}` } });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };
  const charts = (page: Page) => page.evaluate(() => (window as unknown as { rocCharts: Charts }).rocCharts);
  const renders = async (page: Page, id: string) => (await charts(page))[id]?.renders ?? 0;
  /** Opens a page, signs in with the read key when asked, and waits until its loads are done. */
  const open = async (path: string) => {
    const watched = await watchedPage(browser);
    await watched.page.goto(`${service.url}/dashboard/${path}`);
    await watched.page.waitForSelector('#sign-in:not([hidden])');
    await watched.page.fill('#api-key', readKey);
    await watched.page.press('#api-key', 'Enter');
    await watched.page.waitForFunction(() => document.body.dataset.busy === 'false' && !document.querySelector('#sign-in:not([hidden])'));
    return watched;
  };
  const expectClean = async (page: Page, errors: string[]) => {
    expect(errors).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);
  };

  beforeAll(async () => {
    expect(cli(temp.dir, ['demo', 'load', '--customers', '300', '--years', '2', '--seed', '11']).status).toBe(0);
    readKey = cli(temp.dir, ['keys', 'create', '--id', 'analyst', '--scope', 'read']).stdout.trim();
    adminKey = cli(temp.dir, ['keys', 'create', '--id', 'ops', '--scope', 'admin']).stdout.trim();
    const tillKey = cli(temp.dir, ['keys', 'create', '--id', 'till', '--scope', 'ingest:store']).stdout.trim();
    service = await startService(temp.dir);
    browser = await launchChromium();

    // A till uploads, today, a large purchase made months ago: a reported period is restated.
    const series = await api<{ points: Point[] }>('/v1/equity');
    const restated = series.points.at(-6)!;
    const eventId = uuidv7();
    const post = await fetch(`${service.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tillKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventId, type: 'PurchaseMade', schemaVersion: 2, customer: { kind: 'customerId', value: LATE_CUSTOMER }, channel: 'store', source: 'till-7',
        occurredAt: new Date(Date.parse(restated.start) + 10 * DAY).toISOString(), data: { orderId: 'late-1', amount: { minor: 2_500_000, currency: 'EUR' } },
      }),
    });
    expect(post.status).toBe(201);
    latePurchase = { eventId, period: restated.period };
    // An event the contract refuses, for the health page's rejections.
    const refused = await fetch(`${service.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${tillKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ eventId: uuidv7(), type: 'PurchaseMade', schemaVersion: 2, channel: 'store' }) });
    expect(refused.status).toBe(400);
    await vi.waitFor(async () => expect((await api<{ restatements: unknown[] }>('/v1/restatements')).restatements.length).toBeGreaterThan(0), { timeout: 30_000, interval: 250 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    expect(await service?.stop()).toBe(0);
    temp.cleanup();
  });

  it('Equity and ROC: the charts draw the API figures, a restatement is marked with its cause one click away, and the known-at slider shows the series as it was', async () => {
    const { page, errors } = await open('');
    const now = await api<{ points: Point[] }>('/v1/equity');
    let drawn = await charts(page);
    expect(drawn.equity!.labels).toEqual(now.points.map((p) => p.period));
    expect(drawn.equity!.lines['Customer equity']).toEqual(now.points.map((p) => p.equityEnd));
    expect(drawn.roc!.lines.ROC).toEqual(now.points.map((p) => (p.roc === null ? null : p.roc * 100)));
    // The late purchase changed its own month and, through the equity carried forward, every reported month after it.
    const restated = new Set((await api<{ restatements: { period: string }[] }>('/v1/restatements')).restatements.map((r) => r.period));
    const marked = now.points.findIndex((p) => p.period === latePurchase.period);
    expect(drawn.equity!.markers).toEqual(now.points.flatMap((p, i) => (restated.has(p.period) ? [i] : [])));
    expect(drawn.equity!.markers[0]).toBe(marked);

    // One click on the chart at the marker shows the restatement and the late event behind it.
    const over = (await page.locator('#equity-chart .u-over').boundingBox())!;
    const times = now.points.map((p) => Date.parse(p.start));
    const x = over.x + ((times[marked]! - times[0]!) / (times.at(-1)! - times[0]!)) * over.width;
    await page.mouse.move(x, over.y + over.height / 2);
    await page.mouse.click(x, over.y + over.height / 2);
    const details = page.locator(`.restatement[data-period="${latePurchase.period}"] [id$="-details"]`).first();
    await expect.poll(() => details.isVisible()).toBe(true);
    expect(await details.textContent()).toContain(latePurchase.eventId);
    await screenshot(page, 'equity-and-roc');

    // By segment: one line per acquisition channel, each the API's figures.
    await page.selectOption('#segment', 'acquisition-channel');
    await page.waitForFunction(() => (window as unknown as { rocCharts: Charts }).rocCharts.equity!.labels && document.body.dataset.busy === 'false' && !('Customer equity' in (window as unknown as { rocCharts: Charts }).rocCharts.equity!.lines));
    const bySegment = await api<{ points: Point[] }>('/v1/equity?segment=acquisition-channel');
    drawn = await charts(page);
    const segmentNames = Object.keys(drawn.equity!.lines);
    expect(segmentNames.length).toBeGreaterThan(1);
    for (const name of segmentNames) expect(drawn.equity!.lines[name]).toEqual(bySegment.points.map((p) => p.segments?.['acquisition-channel']?.[name]?.equityEnd ?? null));
    await page.selectOption('#segment', '');
    await page.waitForFunction(() => document.body.dataset.busy === 'false' && 'Customer equity' in (window as unknown as { rocCharts: Charts }).rocCharts.equity!.lines);

    // The slider, by keyboard: eight months back.
    const before = await renders(page, 'equity');
    await page.focus('#known-at');
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => ((window as unknown as { rocCharts: Charts }).rocCharts.equity?.renders ?? 0) > n && document.body.dataset.busy === 'false', before);
    const month = /end of (\d{4}-\d{2})/.exec((await page.getAttribute('#known-at', 'aria-valuetext'))!)![1]!;
    const knownAt = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 1) - 1).toISOString();
    const then = await api<{ source: string; points: Point[] }>(`/v1/equity?knownAt=${knownAt}`);
    expect(then.source).toBe('kept'); // prepared by the service, or computed when the page asked first
    drawn = await charts(page);
    expect(drawn.equity!.labels).toEqual(then.points.map((p) => p.period));
    expect(drawn.equity!.lines['Customer equity']).toEqual(then.points.map((p) => p.equityEnd));
    expect(drawn.equity!.labels.length).toBeLessThan(now.points.length);
    expect(drawn.equity!.markers).toEqual([]); // the restatement was made after that moment
    expect(await page.textContent('#source')).toContain(`as known at ${knownAt.slice(0, 10)}`);
    await screenshot(page, 'equity-known-at');
    await expectClean(page, errors);
  });

  it('Customer: found by an identifier, the view, the trust contributions as the API gives them, and a paged timeline with the late event marked', async () => {
    const asOf = new Date().toISOString().slice(0, 10);
    const view = await api<{ result: { identifiers: { kind: string; value: string }[]; purchases: { count: number; minor: number } } }>(`/v1/customers/${LATE_CUSTOMER}`);
    const identifier = `${view.result.identifiers[0]!.kind}:${view.result.identifiers[0]!.value}`;
    const { page, errors } = await open(`customer.html?customer=${encodeURIComponent(identifier)}&asOf=${asOf}`);
    expect(await page.textContent('#summary')).toContain(`${LATE_CUSTOMER} (found by ${identifier})`);
    expect(await page.textContent('#view')).toContain(view.result.identifiers[0]!.value);
    // Money in the ledger's reporting currency (GET /v1/ledger: EUR here), to the cent.
    const spent = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(view.result.purchases.minor / 100);
    expect(spent).toMatch(/^€[\d,]+\.\d\d$/);
    expect(await page.textContent('#view')).toContain(`${view.result.purchases.count} for ${spent}`);

    const trust = await api<{ result: { score: number; contributions: { date: string; points: number; eventId: string }[] } }>(`/v1/customers/${LATE_CUSTOMER}/trust?asOf=${asOf}`);
    expect(await page.textContent('#trust-score')).toContain(`${trust.result.score} of 100`);
    const drawnTrust = (await charts(page)).trust!;
    expect(drawnTrust.labels).toEqual([...new Set(trust.result.contributions.map((c) => c.date.slice(0, 10)))].sort());
    const drawnSum = drawnTrust.lines.Points!.reduce((a: number, b) => a + (b ?? 0), 0);
    expect(drawnSum).toBeCloseTo(trust.result.contributions.reduce((a, c) => a + c.points, 0), 1);

    const history = await api<{ matched: number; events: { eventId: string; occurredAt: string; recordedAt: string }[] }>(`/v1/customers/${LATE_CUSTOMER}/history?asOf=${asOf}&order=desc&limit=50`);
    const items = page.locator('#timeline li');
    expect(await items.count()).toBe(Math.min(50, history.matched));
    expect(await items.evaluateAll((lis) => lis.map((li) => li.id))).toEqual(history.events.map((e) => `event-${e.eventId}`));
    const lateOnPage = await page.locator('#timeline li[data-late="true"]').evaluateAll((lis) => lis.map((li) => li.id));
    expect(lateOnPage).toEqual(history.events.filter((e) => Date.parse(e.recordedAt) - Date.parse(e.occurredAt) > DAY).map((e) => `event-${e.eventId}`));
    expect(lateOnPage).toContain(`event-${latePurchase.eventId}`);
    expect(await page.locator(`#event-${latePurchase.eventId} svg[data-channel="store"]`).count()).toBe(1);
    if (history.matched > 50) {
      await page.click('#older');
      await settled(page);
      expect(await items.count()).toBe(Math.min(100, history.matched));
    } else {
      expect(await page.isHidden('#older')).toBe(true);
    }
    await screenshot(page, 'customer');

    // A contribution's link leads to its event on the timeline, loading older pages if need be.
    const oldest = [...trust.result.contributions].sort((a, b) => a.date.localeCompare(b.date))[0]!;
    await page.click('#contributions >> xpath=..'); // open the <details>
    await page.click(`#contributions a[data-event="${oldest.eventId}"]`);
    await page.waitForFunction((id) => document.activeElement?.id === `event-${id}`, oldest.eventId);

    // Known at yesterday: the till's upload of today is not in the timeline.
    await page.fill('#known-at', new Date(Date.now() - DAY).toISOString().slice(0, 10));
    await page.click('#search button[type=submit]');
    await page.waitForFunction(() => document.body.dataset.busy === 'false' && /as known at/.test(document.getElementById('summary')!.textContent ?? ''));
    expect(await page.locator(`#event-${latePurchase.eventId}`).count()).toBe(0);
    const knownThen = await api<{ matched: number }>(`/v1/customers/${LATE_CUSTOMER}/history?asOf=${asOf}&knownAt=${new Date(Date.now() - DAY).toISOString().slice(0, 10)}&limit=1`);
    expect(knownThen.matched).toBe(history.matched - 1);
    expect(await page.textContent('#summary')).toContain(`${knownThen.matched} events`);
    await expectClean(page, errors);
  });

  it("Projections: an analyst's projection added to the service, its rows as a table and a chart of the API's figures, now and as of a date", async () => {
    type Row = { channel: string; month: string; resolved: number; meanHours: number; lateShare: number };
    const module = join(import.meta.dirname, '..', '..', 'examples', 'complaint-resolution.ts');
    const added = cli(temp.dir, ['project', 'add', module, '--url', service.url, '--api-key', adminKey]);
    expect(added.status, added.stderr).toBe(0);
    const head = (await api<{ head: { position: number } }>('/v1/ledger/health')).head.position;
    await vi.waitFor(async () => expect((await api<{ projections: { name: string; status: string; position: number }[] }>('/v1/projections')).projections.find((p) => p.name === 'complaint-resolution')).toMatchObject({ status: 'live', position: head }), { timeout: 60_000, interval: 250 });

    const { page, errors } = await open('projections.html');
    await page.waitForFunction(() => (window as unknown as { rocCharts: Charts }).rocCharts.rows !== undefined);
    expect(await page.inputValue('#projection')).toBe('complaint-resolution');
    expect(await page.inputValue('#query')).toBe('rows');
    const now = (await api<{ result: Row[] }>('/v1/projections/complaint-resolution/partitions/*?query=rows')).result;
    expect(await page.locator('#answer-rows tbody tr').count()).toBe(now.length);
    // Month over the x axis, resolved complaints as the value, one line per channel: each the API's figure.
    const expectDrawn = async (rows: Row[], value: 'resolved' | 'meanHours') => {
      const drawn = (await charts(page)).rows!;
      const months = [...new Set(rows.map((r) => r.month))].sort();
      const channels = [...new Set(rows.map((r) => r.channel))].sort();
      expect(drawn.labels).toEqual(months);
      expect(Object.keys(drawn.lines)).toEqual(channels);
      for (const channel of channels) expect(drawn.lines[channel]).toEqual(months.map((m) => rows.find((r) => r.channel === channel && r.month === m)?.[value] ?? null));
    };
    await expectDrawn(now, 'resolved');
    const before = await renders(page, 'rows');
    await page.selectOption('#y-column', 'meanHours');
    await page.waitForFunction((n) => ((window as unknown as { rocCharts: Charts }).rocCharts.rows?.renders ?? 0) > n, before);
    await expectDrawn(now, 'meanHours');
    await screenshot(page, 'projections');

    // As of a date inside the history: the complaints resolved by then, as the API folds them.
    const asOf = now[Math.floor(now.length / 2)]!.month + '-15';
    const asked = await renders(page, 'rows');
    await page.fill('#as-of', asOf);
    await page.click('#ask button[type="submit"]');
    await page.waitForFunction((n) => ((window as unknown as { rocCharts: Charts }).rocCharts.rows?.renders ?? 0) > n && document.body.dataset.busy === 'false', asked);
    const then = (await api<{ result: Row[] }>(`/v1/projections/complaint-resolution/partitions/*?query=rows&asOf=${asOf}`)).result;
    expect(then.length).toBeLessThan(now.length);
    await expectDrawn(then, 'resolved');
    expect(await page.textContent('#about')).toContain('folded from the log for this cut');

    // A per-customer projection's state: no rows, the JSON as the API answers it.
    await page.selectOption('#projection', 'trust-score');
    // Its stored partitions are offered as the field's suggestions, as the API lists them.
    const listed = (await api<{ partitions: string[] }>('/v1/projections/trust-score/partitions?limit=1000')).partitions;
    expect(listed).toContain(LATE_CUSTOMER);
    await page.waitForFunction((n) => document.querySelectorAll('#partitions option').length === n, listed.length);
    expect(await page.$$eval('#partitions option', (options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(listed);
    await page.selectOption('#query', 'state');
    await page.fill('#partition', LATE_CUSTOMER);
    await page.fill('#as-of', '');
    await page.click('#ask button[type="submit"]');
    await page.waitForSelector('#answer-json');
    const state = (await api<{ result: unknown }>(`/v1/projections/trust-score/partitions/${LATE_CUSTOMER}?query=state`)).result;
    expect(JSON.parse((await page.textContent('#answer-json'))!)).toEqual(state);
    expect(await page.isHidden('#rows-chart')).toBe(true);
    // The address keeps the question: opened again, the page asks it again.
    expect(new URL(page.url()).search).toBe(`?projection=trust-score&query=state&partition=${LATE_CUSTOMER}`);
    await page.reload();
    await page.waitForSelector('#answer-json');
    expect(JSON.parse((await page.textContent('#answer-json'))!)).toEqual(state);
    await expectClean(page, errors);
  });

  it('Ledger health: the verified head, projection lag, refusals, and the monthly counts the API gives', async () => {
    const { page, errors } = await open('health.html');
    const health = await api<{ head: { position: number; hash: string } }>('/v1/ledger/health');
    await page.waitForFunction(() => /OK/.test(document.getElementById('verify-result')?.textContent ?? '') || !/running/.test(document.getElementById('verify-result')?.textContent ?? ''));
    expect(await page.textContent('#head-hash')).toBe(health.head.hash);
    expect(await page.textContent('#verify-result')).toMatch(/^OK: [\d,]+ events chain to \d+$/);
    const projections = await page.textContent('#projections');
    for (const key of ['customer-view@3', 'trust-score@103', 'ledger-activity@1']) expect(projections).toContain(key);
    expect(await page.textContent('#ingest')).toContain('EVENTS_ERR_INVALID_EVENT');

    const activity = await api<{ months: { month: string; events: number; byChannel: Record<string, number> }[] }>('/v1/ledger/activity');
    // The slider's stops (month ends before the head's month, as it was when serve started; the
    // hourly pass adds later ones) are prepared in the background.
    let prepared = 0;
    await vi.waitFor(
      async () => {
        const { knownAt } = await api<{ knownAt: { started: boolean; stops: number; kept: number; running: boolean } }>('/v1/ledger/health');
        expect(knownAt.stops).toBeGreaterThan(12);
        expect(knownAt).toMatchObject({ started: true, kept: knownAt.stops, running: false });
        prepared = knownAt.stops;
      },
      { timeout: 150_000, interval: 500 },
    );
    await page.click('#refresh');
    await page.waitForFunction((n) => document.getElementById('known-at')?.textContent?.includes(`${n} of ${n} prepared`), prepared);
    const drawn = await charts(page);
    expect(drawn.channels!.labels).toEqual(activity.months.map((m) => m.month));
    for (const [channel, values] of Object.entries(drawn.channels!.lines)) expect(values).toEqual(activity.months.map((m) => m.byChannel[channel] ?? 0));
    expect(drawn.late!.lines.events).toEqual(activity.months.map((m) => m.events));
    await screenshot(page, 'ledger-health');
    await expectClean(page, errors);
  }, 180_000);

  it('asks for a key first, and asks again with the reason when the key is refused', async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(`${service.url}/dashboard/health.html`);
    await page.fill('#api-key', 'rlk_nobody_not-a-key');
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error')).toContain('HTTP_ERR_UNAUTHENTICATED');
    expect(await page.isVisible('#sign-in')).toBe(true);
    expect(await page.textContent('#sign-in-message')).toContain('refused');
    // The browser logs the 401 responses themselves; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
    await screenshot(page, 'sign-in-refused');
  });
});
