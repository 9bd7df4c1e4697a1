/**
 * One customer's purchase history as the models read it, in one time unit (weeks for CDNOW):
 * x repeat purchases (the first is not counted; purchases on one day count once), the time of the
 * last repeat purchase since the first (tₓ, 0 when x = 0), and the time from the first purchase to
 * the end of the observation (T). zbar is the mean value of the repeat purchases (0 when x = 0).
 */
export interface CustomerSummary {
  readonly id: string;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  readonly zbar: number;
}

export interface Purchase {
  readonly customerId: string;
  /** Valid time, ms since the epoch. */
  readonly at: number;
  /** In the reporting currency's major units (or any unit: the models do not care which). */
  readonly value: number;
  /** The channel it was made through, where known (segments use it). */
  readonly channel?: string;
}

const DAY_MS = 86_400_000;

/**
 * The summaries of every customer with a purchase on or before `end`, in `unitDays`-day units
 * (7: weeks). Purchases on one UTC day are one purchase (their values summed), as Fader, Hardie
 * & Lee count them. Times are rounded to 2 decimals, as the published CDNOW summary is.
 */
export const summarize = (purchases: Iterable<Purchase>, end: number, unitDays = 7): CustomerSummary[] => {
  const days = new Map<string, Map<number, number>>();
  for (const p of purchases) {
    if (p.at > end) continue;
    const day = Math.floor(p.at / DAY_MS);
    let byDay = days.get(p.customerId);
    if (!byDay) days.set(p.customerId, (byDay = new Map()));
    byDay.set(day, (byDay.get(day) ?? 0) + p.value);
  }
  const endDay = Math.floor(end / DAY_MS);
  const round2 = (v: number) => Math.round(v * 100) / 100;
  const summaries: CustomerSummary[] = [];
  for (const [id, byDay] of days) {
    const sorted = [...byDay].sort((a, b) => a[0] - b[0]);
    const first = sorted[0]![0];
    const repeats = sorted.slice(1);
    const last = repeats.length > 0 ? repeats[repeats.length - 1]![0] : first;
    summaries.push({
      id,
      x: repeats.length,
      tx: round2((last - first) / unitDays),
      T: round2((endDay - first) / unitDays),
      zbar: repeats.length > 0 ? repeats.reduce((sum, [, v]) => sum + v, 0) / repeats.length : 0,
    });
  }
  return summaries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
};
