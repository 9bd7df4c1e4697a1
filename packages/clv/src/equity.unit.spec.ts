import { describe, expect, it } from 'vitest';
import { equityAt, equitySeries, periodOf, periodsBetween, returnOnCustomer, type CashMovement, type Models } from './index.ts';
import type { Purchase } from './summary.ts';

const pinned: Models = { bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 } };
const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

describe('Return on Customer', () => {
  it('reproduces the worked example: CE 2,000,000 to 2,500,000 with cash flow 250,000 is 37.5 %', () => {
    expect(returnOnCustomer({ cashFlow: 250_000, equityStart: 2_000_000, equityEnd: 2_500_000 })).toBeCloseTo(0.375, 12);
  });

  it('is null, not NaN or infinite, when there is no equity to earn a return on', () => {
    expect(returnOnCustomer({ cashFlow: 100, equityStart: 0, equityEnd: 50 })).toBeNull();
  });
});

describe('periods', () => {
  it('are UTC calendar years, quarters, months and ISO weeks', () => {
    expect(periodOf(Date.parse('2024-12-31T23:59:59.999Z'), 'year')).toMatchObject({ label: '2024', start: Date.parse('2024-01-01T00:00:00Z'), end: Date.parse('2025-01-01T00:00:00Z') });
    expect(periodsBetween(Date.parse('2023-06-01T00:00:00Z'), Date.parse('2025-01-01T00:00:00Z'), 'year').map((p) => p.label)).toEqual(['2023', '2024', '2025']);
    expect(periodOf(Date.parse('2025-03-31T23:59:59Z'), 'month')).toMatchObject({ label: '2025-03', start: Date.parse('2025-03-01T00:00:00Z'), end: Date.parse('2025-04-01T00:00:00Z') });
    expect(periodOf(Date.parse('2025-05-15T00:00:00Z'), 'quarter').label).toBe('2025-Q2');
    expect(periodOf(Date.parse('2025-03-05T10:00:00Z'), 'week').label).toBe('W2025-03-03');
    expect(periodsBetween(Date.parse('2024-11-20T00:00:00Z'), Date.parse('2025-02-01T00:00:00Z'), 'month').map((p) => p.label)).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
  });
});

describe('customer equity', () => {
  const purchases: Purchase[] = [
    { customerId: 'A', at: day('2025-01-05'), value: 20 },
    { customerId: 'A', at: day('2025-02-10'), value: 30 },
    { customerId: 'B', at: day('2025-01-20'), value: 50 },
    { customerId: 'C', at: day('2025-03-02'), value: 10 },
  ];
  const cash: CashMovement[] = [
    ...purchases.map((p, i) => ({ customerId: p.customerId, at: p.at, amount: p.value, eventId: `p${i}` })),
    // A customer with only a refund (no purchase of theirs in the ledger) and a cost to serve.
    { customerId: 'D', at: day('2025-02-15'), amount: -15, eventId: 'r1' },
    { customerId: 'B', at: day('2025-02-16'), amount: -2.5, eventId: 'c1' },
  ];

  it('counts only customers with a purchase by then; a refund-only customer adds cash flow but no value', () => {
    const march = equityAt(purchases, day('2025-03-31'), { period: 'month', models: pinned });
    expect(march.customers).toBe(3);
    expect(march.equity).toBeGreaterThan(0);
    const series = equitySeries(purchases, cash, day('2025-04-30'), { period: 'month', models: pinned });
    expect(series.map((p) => p.period)).toEqual(['2025-01', '2025-02', '2025-03', '2025-04']);
    expect(series.map((p) => p.cashFlow)).toEqual([70, 30 - 15 - 2.5, 10, 0]);
    for (const point of series) {
      for (const value of [point.equityStart, point.equityEnd, point.cashFlow, point.roc]) expect(value === null || Number.isFinite(value)).toBe(true);
    }
    // Nobody before January: no equity to earn on, so no ROC, rather than a division by zero.
    expect(series[0]).toMatchObject({ equityStart: 0, roc: null });
    // April, with no purchases: cash flow 0, equity still valued, ROC defined.
    expect(series[3]!.roc).toBeCloseTo((0 + series[3]!.equityEnd! - series[3]!.equityStart!) / series[3]!.equityStart!, 12);
    expect(series[1]!.equityStart).toBe(series[0]!.equityEnd);
  });

  it('gives a year the cash flow of its quarters and the equity at the end of its last, so its ROC over the year', () => {
    const later = [...purchases, { customerId: 'B', at: day('2025-08-01'), value: 40 }, { customerId: 'E', at: day('2026-02-01'), value: 25 }];
    const money = [...cash, { customerId: 'B', at: day('2025-08-01'), amount: 40, eventId: 'p9' }, { customerId: 'E', at: day('2026-02-01'), amount: 25, eventId: 'p10' }];
    const until = day('2026-03-31');
    const years = equitySeries(later, money, until, { period: 'year', models: pinned });
    const quarters = equitySeries(later, money, until, { period: 'quarter', models: pinned });
    expect(years.map((p) => p.period)).toEqual(['2025', '2026']);
    const q = (label: string) => quarters.find((p) => p.period === label)!;
    expect(years[0]!.cashFlow).toBeCloseTo(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'].reduce((sum, label) => sum + q(label).cashFlow, 0), 9);
    expect(years[0]!.equityEnd).toBeCloseTo(q('2025-Q4').equityEnd!, 9);
    expect(years[1]).toMatchObject({ equityStart: years[0]!.equityEnd, equityEnd: q('2026-Q1').equityEnd });
    expect(years[1]!.roc).toBeCloseTo((years[1]!.cashFlow + years[1]!.equityEnd! - years[1]!.equityStart!) / years[1]!.equityStart!, 12);
  });

  it('says why it cannot value equity before the models can be fitted, instead of inventing a number', () => {
    const series = equitySeries(purchases, cash, day('2025-03-31'), { period: 'month' });
    expect(series[2]).toMatchObject({ equityEnd: null, roc: null, models: { unavailable: expect.stringContaining('repeat buyer') } });
  });
});
