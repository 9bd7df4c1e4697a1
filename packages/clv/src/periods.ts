/** The reporting periods, shortest first: what the CLI, the API and the dashboard offer. */
export const PERIOD_UNITS = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodUnit = (typeof PERIOD_UNITS)[number];

/** One reporting period: [start, end), in UTC; `label` names it (2025, 2025-Q1, 2025-03, or a week as W and the Monday it starts: W2025-03-03). */
export interface Period {
  readonly label: string;
  /** Inclusive, ms. */
  readonly start: number;
  /** Exclusive, ms: the period's value is taken at end − 1 ms, its last instant. */
  readonly end: number;
}

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** The period that holds an instant. Weeks start on Monday (ISO). */
export const periodOf = (at: number, unit: PeriodUnit): Period => {
  const d = new Date(at);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  if (unit === 'month') return { label: `${year}-${pad(month + 1)}`, start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  if (unit === 'year') return { label: String(year), start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1) };
  if (unit === 'quarter') {
    const q = Math.floor(month / 3);
    return { label: `${year}-Q${q + 1}`, start: Date.UTC(year, q * 3, 1), end: Date.UTC(year, q * 3 + 3, 1) };
  }
  const day = Math.floor(at / DAY_MS);
  const monday = day - ((new Date(day * DAY_MS).getUTCDay() + 6) % 7);
  const start = monday * DAY_MS;
  return { label: `W${new Date(start).toISOString().slice(0, 10)}`, start, end: start + 7 * DAY_MS };
};

/** Every period from the one holding `from` to the one holding `to`, in order. */
export const periodsBetween = (from: number, to: number, unit: PeriodUnit): Period[] => {
  const periods: Period[] = [];
  for (let p = periodOf(from, unit); p.start <= to; p = periodOf(p.end, unit)) periods.push(p);
  return periods;
};
