import { describe, expect, it } from 'vitest';
import { equitySeries, periodOf, SEGMENTS, type CashMovement, type Purchase } from '@roc-ledger/clv';
import { generateDemo } from '@roc-ledger/demo';
import { endIdleEquityWorker, equityPointsOffThread, equitySeriesOffThread, equityWorkerRunning, setEquityWorkerIdleEnd, terminateEquityWorker } from './offThread.ts';

describe('equitySeriesOffThread', () => {
  const purchases: Purchase[] = [];
  const cash: CashMovement[] = [];
  for (const { event } of generateDemo({ customers: 300, years: 2, seed: 'off-thread' })) {
    if (event.type !== 'PurchaseMade' || event.schemaVersion !== 2) continue;
    const at = Date.parse(event.occurredAt);
    purchases.push({ customerId: `${event.customer.kind}:${event.customer.value}`, at, value: event.data.amount.minor / 100, channel: event.channel });
    cash.push({ customerId: `${event.customer.kind}:${event.customer.value}`, at, amount: event.data.amount.minor / 100, eventId: event.eventId });
  }
  const end = Math.max(...purchases.map((p) => p.at));

  it('gives exactly the series computed on this thread, for calls made at once, in any order', async () => {
    const options = { period: 'month' as const, segments: SEGMENTS };
    const halfway = end - 200 * 86_400_000;
    const [whole, half] = await Promise.all([equitySeriesOffThread({ purchases, cash }, end, options), equitySeriesOffThread({ purchases, cash }, halfway, options)]);
    expect(whole).toEqual(equitySeries(purchases, cash, end, options));
    expect(half).toEqual(equitySeries(purchases, cash, halfway, options));
    expect(half.length).toBeLessThan(whole.length);
  });

  it('brings the last periods of a series up to date exactly as a whole computation does, from a kept point or without one', async () => {
    const options = { period: 'month' as const, segments: SEGMENTS };
    const whole = equitySeries(purchases, cash, end, options);
    const from = whole.length - 4;
    const periods = whole.slice(from).map((p) => periodOf(Date.parse(p.start), 'month'));
    const before = periodOf(periods[0]!.start - 1, 'month');
    expect(await equityPointsOffThread({ purchases, cash }, periods, before, whole[from - 1], end, options)).toEqual(whole.slice(from));
    const recomputed = await equityPointsOffThread({ purchases, cash }, periods, before, undefined, end, options);
    expect(recomputed.map((p) => p.equityEnd)).toEqual(whole.slice(from).map((p) => p.equityEnd));
  });

  it('ends its thread once idle, giving its heap back, and starts another for the next series', async () => {
    const options = { period: 'month' as const, segments: SEGMENTS };
    setEquityWorkerIdleEnd(100);
    try {
      const first = equitySeriesOffThread({ purchases, cash }, end, options);
      expect(equityWorkerRunning()).toBe(true);
      const expected = await first;
      await expect.poll(() => equityWorkerRunning(), { timeout: 5_000 }).toBe(false);
      // At once, before the ended thread's exit is seen: the new thread's series is not failed by it.
      expect(await equitySeriesOffThread({ purchases, cash }, end, options)).toEqual(expected);
      expect(equityWorkerRunning()).toBe(true);
    } finally {
      setEquityWorkerIdleEnd(30_000);
    }
  });

  it('fails the series in flight when ended for a shutdown, and computes the next on a new thread', async () => {
    const options = { period: 'month' as const, segments: SEGMENTS };
    const inFlight = equitySeriesOffThread({ purchases, cash }, end, options);
    const failed = expect(inFlight).rejects.toThrow('the equity worker was ended');
    await terminateEquityWorker();
    await failed;
    expect(equityWorkerRunning()).toBe(false);
    expect(await equitySeriesOffThread({ purchases, cash }, end, options)).toEqual(equitySeries(purchases, cash, end, options));
  });

  it('ends an idle thread when asked, but not one with a series to compute', async () => {
    const options = { period: 'month' as const, segments: SEGMENTS };
    const expected = equitySeries(purchases, cash, end, options);
    const inFlight = equitySeriesOffThread({ purchases, cash }, end, options);
    await endIdleEquityWorker();
    expect(equityWorkerRunning()).toBe(true);
    expect(await inFlight).toEqual(expected);
    await endIdleEquityWorker();
    expect(equityWorkerRunning()).toBe(false);
    expect(await equitySeriesOffThread({ purchases, cash }, end, options)).toEqual(expected);
  });
});
