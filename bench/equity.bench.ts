// Customer equity: the CDNOW BG/NBD + Gamma-Gamma fit; the CE and ROC series over 36 monthly periods
// (models refitted at each period end); a late event's restatement becoming visible.
// Usage: node bench/equity.bench.ts [--customers 100000] [--runs 3]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { equitySeries, fitBgNbd, fitGammaGamma, summarize, type CashMovement, type Purchase } from '@roc-ledger/clv';
import { EquityTracker } from '@roc-ledger/customer-equity';
import { generateDemo } from '@roc-ledger/demo';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { loadDemo, type SimClock } from '../test/support/demoLedger.ts';
import { contract } from '../test/support/tempLedger.ts';
import { argValue, emit, medianRun } from './lib/result.ts';

const customers = argValue('customers', 100_000);
const runs = argValue('runs', 3);

// 1. CDNOW: both fits on the 2,357 customers, from the transactions.
const utc = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
const cdnow = readFileSync(join(import.meta.dirname, '..', 'packages', 'clv', 'data', 'cdnow', 'CDNOW_sample.txt'), 'utf8')
  .trim()
  .split(/\r?\n/)
  .map((line) => line.trim().split(/\s+/))
  .map(([, id, date, , value]) => ({ customerId: id!, at: utc(date!), value: Number(value) }));
const fit = await medianRun(runs, async () => {
  const started = performance.now();
  const summary = summarize(cdnow, utc('19970930'));
  fitBgNbd(summary);
  fitGammaGamma(summary);
  return { seconds: (performance.now() - started) / 1000 };
});
emit({ case: 'clv-fit-cdnow', impl: 'roc-ledger', events: cdnow.length, seconds: fit.seconds, events_per_s: cdnow.length / fit.seconds, runs, note: 'summary, BG/NBD and Gamma-Gamma fits on the 2,357 CDNOW customers' });

// 2. The series: purchases of simulated customers over 3 years, 36 monthly periods, models refitted at each.
const purchases: Purchase[] = [];
const cash: CashMovement[] = [];
for (const { event } of generateDemo({ customers, years: 3, seed: 'bench-equity' })) {
  if (event.type !== 'PurchaseMade' || event.schemaVersion !== 2) continue;
  // The simulated customer's own reference stands for the resolved customer (no identity resolution here).
  const customerId = `${event.customer.kind}:${event.customer.value}`;
  const at = Date.parse(event.occurredAt);
  const value = event.data.amount.minor / 100;
  purchases.push({ customerId, at, value, channel: event.channel });
  cash.push({ customerId, at, amount: value, eventId: event.eventId });
}
const end = Date.UTC(2025, 11, 31, 23, 59, 59);
const series = await medianRun(1, async () => {
  const started = performance.now();
  const points = equitySeries(purchases, cash, end, { period: 'month' });
  return { seconds: (performance.now() - started) / 1000, points: points.length };
});
emit({ case: 'equity-series', impl: 'roc-ledger', events: purchases.length, seconds: series.seconds, events_per_s: purchases.length / series.seconds, runs: 1, note: `${customers.toLocaleString('en-US')} simulated customers (references as ids), ${series.points} monthly periods, models refitted at each period end, 36-month CLV horizon` });

// 3. A late purchase's restatement: from the append to the tracker showing the restated period.
{
  const clock: SimClock = { now: new Date(0) };
  const store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, { customers: 1000, years: 3, seed: 'bench-restatement' });
  const tracker = new EquityTracker({ store, path: ':memory:' });
  tracker.start();
  await tracker.waitFor((await store.head()).position);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    // A lone late upload after a quiet spell, as the tracker meets one (it takes events at most every 2 s,
    // and rests 3 × as long as its last recomputation took: part of that rest may fall in the time measured).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const customerId = (await store.readAll({ types: ['CustomerRegistered'], maxCount: 1 })[Symbol.asyncIterator]().next()).value!.streamId.slice('customer-'.length);
    clock.now = new Date(clock.now.getTime() + 60_000);
    const started = performance.now();
    const appended = await store.append(`customer-${customerId}`, [
      contract.parse({
        eventId: `01960000-0000-7000-8000-00000000000${i}`,
        type: 'PurchaseMade',
        schemaVersion: 2,
        customer: { kind: 'customerId', value: customerId },
        channel: 'store',
        source: 'bench-late-upload',
        occurredAt: new Date(clock.now.getTime() - 40 * 86_400_000).toISOString(),
        data: { orderId: `late-${i}`, amount: { minor: 12_345, currency: 'EUR' } },
      }),
    ]);
    await tracker.waitFor(appended.events[0]!.globalPosition);
    times.push(performance.now() - started);
  }
  const restated = tracker.restatements().length;
  await tracker.stop();
  const median = [...times].sort((a, b) => a - b)[times.length >> 1]!;
  emit({ case: 'equity-restatement', impl: 'roc-ledger', events: runs, seconds: median / 1000, events_per_s: 1000 / median, p50_ms: median, runs, note: `1,000 customers over 3 years; a purchase dated 40 days back, from append to restated series (${restated} restatement record(s))` });
}
