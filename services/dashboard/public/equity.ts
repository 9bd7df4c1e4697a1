// Equity and ROC: the series in total or by segment, as known at a moment, with restatements.
import { getJson } from './api.ts';
import { drawChart, type Line } from './chart.ts';
import { formatMoney, formatPercent, formatTime, h } from './format.ts';
import { byId, loading, startPage, useLedgerCurrency } from './page.ts';

interface Figures { equityStart: number | null; equityEnd: number | null; cashFlow: number; roc: number | null }
interface Point extends Figures { period: string; start: string; end: string; customers: number; segments?: Record<string, Record<string, Figures>> }
interface Series { period: string; source: 'tracked' | 'computed'; segment: string | null; points: Point[] }
interface Restatement { seq: number; period: string; recordedAt: string; old: Figures; new: Figures; causedBy: { eventId: string; type: string; occurredAt: string; recordedAt: string }[] }

const period = byId<HTMLSelectElement>('period');
const segment = byId<HTMLSelectElement>('segment');
const slider = byId<HTMLInputElement>('known-at');
const sliderLabel = byId<HTMLOutputElement>('known-at-label');

/**
 * The slider's stops: the end of every month from the ledger's first recorded event to the month
 * before its latest (the same stops the service prepares), then now (no cut).
 */
let stops: (string | undefined)[] = [undefined];
let generation = 0;

const knownAt = (): string | undefined => stops[Number(slider.value)];

const monthEnd = (month: string): string => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 1) - 1).toISOString();
};

const nextMonth = (month: string): string => {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
};

const setUpSlider = async (): Promise<void> => {
  const { months } = await getJson<{ months: { month: string }[] }>('/v1/ledger/activity');
  const ends: string[] = [];
  for (let month = months[0]?.month; month !== undefined && month < months.at(-1)!.month; month = nextMonth(month)) ends.push(monthEnd(month));
  stops = [...ends, undefined];
  slider.max = String(stops.length - 1);
  slider.value = slider.max;
  describeStop();
};

const describeStop = (): void => {
  const at = knownAt();
  const text = at ? `end of ${at.slice(0, 7)}` : 'now';
  sliderLabel.textContent = text;
  slider.setAttribute('aria-valuetext', `known at ${text}`);
};

const linesOf = (series: Series, pick: (f: Figures) => number | null, totalLabel: string): Line[] => {
  if (!series.segment) return [{ label: totalLabel, values: series.points.map(pick) }];
  const names = [...new Set(series.points.flatMap((p) => Object.keys(p.segments?.[series.segment!] ?? {})))].sort();
  return names.map((name) => ({ label: name, values: series.points.map((p) => {
    const figures = p.segments?.[series.segment!]?.[name];
    return figures ? pick(figures) : null;
  }) }));
};

const showRestatements = (restatements: Restatement[], selected?: string): void => {
  const container = byId('restatements');
  if (restatements.length === 0) {
    container.replaceChildren(h('p', {}, 'None in this view.'));
    return;
  }
  const figureRow = (label: string, old: string, now: string) => h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, old), h('td', {}, now));
  container.replaceChildren(
    ...restatements.map((r) => {
      const id = `restatement-${r.seq}`;
      const details = h(
        'div',
        { id: `${id}-details`, hidden: r.period !== selected },
        h(
          'table',
          {},
          h('caption', {}, `${r.period}, restated ${formatTime(r.recordedAt)}`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Figure'), h('th', { scope: 'col' }, 'Reported'), h('th', { scope: 'col' }, 'Restated'))),
          h(
            'tbody',
            {},
            figureRow('Equity at start', formatMoney(r.old.equityStart), formatMoney(r.new.equityStart)),
            figureRow('Equity at end', formatMoney(r.old.equityEnd), formatMoney(r.new.equityEnd)),
            figureRow('Cash flow', formatMoney(r.old.cashFlow), formatMoney(r.new.cashFlow)),
            figureRow('ROC', formatPercent(r.old.roc === null ? null : r.old.roc * 100, 2), formatPercent(r.new.roc === null ? null : r.new.roc * 100, 2)),
          ),
        ),
        h('p', {}, `Caused by ${r.causedBy.length} late event(s):`),
        h('ul', { class: 'causes' }, ...r.causedBy.map((c) => h('li', {}, h('code', {}, c.eventId), ` ${c.type}, happened ${formatTime(c.occurredAt)}, recorded ${formatTime(c.recordedAt)}`))),
      );
      const button = h('button', { type: 'button', 'aria-expanded': r.period === selected ? 'true' : 'false', 'aria-controls': details.id }, `${r.period}: equity at end ${formatMoney(r.old.equityEnd)} → ${formatMoney(r.new.equityEnd)} (restated ${formatTime(r.recordedAt)})`);
      button.addEventListener('click', () => {
        const open = button.getAttribute('aria-expanded') !== 'true';
        button.setAttribute('aria-expanded', String(open));
        details.hidden = !open;
      });
      return h('div', { class: 'restatement', id, 'data-period': r.period, 'data-selected': r.period === selected ? 'true' : undefined }, button, details);
    }),
  );
};

let lastRestatements: Restatement[] = [];

const selectPeriod = (label: string | undefined): void => {
  if (!label || !lastRestatements.some((r) => r.period === label)) return;
  showRestatements(lastRestatements, label);
  const first = document.querySelector<HTMLElement>(`.restatement[data-period="${label}"] button`);
  first?.scrollIntoView({ block: 'center' });
  first?.focus();
};

const load = (): Promise<void> =>
  loading(async () => {
    const mine = ++generation;
    const cut = knownAt();
    const [series, restated] = await Promise.all([
      getJson<Series>('/v1/equity', { period: period.value, segment: segment.value || undefined, knownAt: cut }),
      getJson<{ period: string; restatements: Restatement[] }>('/v1/restatements'),
      useLedgerCurrency(),
    ]);
    if (mine !== generation) return; // a newer choice is on its way
    const labels = series.points.map((p) => p.period);
    const times = series.points.map((p) => Date.parse(p.start) / 1000);
    // Restatements are tracked for the service's own period; as known at a moment, only those made by then.
    lastRestatements = restated.period === series.period ? restated.restatements.filter((r) => labels.includes(r.period) && (!cut || r.recordedAt <= cut)) : [];
    const markers = [...new Set(lastRestatements.map((r) => labels.indexOf(r.period)))];
    const onSelect = (index: number) => selectPeriod(labels[index]);
    const scope = series.segment ? `by ${segment.selectedOptions[0]?.textContent?.toLowerCase().replace(/^by /, '')}` : 'in total';
    drawChart(byId('equity-chart'), {
      id: 'equity',
      title: `Customer equity at each ${series.period} end, ${scope}`,
      description: `Line chart of customer equity per ${series.period} from ${labels[0] ?? '–'} to ${labels.at(-1) ?? '–'}; the table below has every figure.`,
      labels, times, markers, onSelect,
      lines: linesOf(series, (f) => f.equityEnd, 'Customer equity'),
      format: formatMoney,
    });
    drawChart(byId('roc-chart'), {
      id: 'roc',
      title: `Return on Customer per ${series.period}, ${scope}`,
      description: `Line chart of Return on Customer in percent per ${series.period}; the table below has every figure.`,
      labels, times, markers, onSelect,
      lines: linesOf(series, (f) => (f.roc === null ? null : f.roc * 100), 'ROC'),
      format: (v) => formatPercent(v),
    });
    byId('source').textContent = `${series.points.length} ${series.period}s, ${series.source === 'tracked' ? 'from the series the service keeps current' : 'computed from the log for this view'}${cut ? `, as known at ${formatTime(cut)}` : ''}.`;
    showRestatements(lastRestatements);
  });

let pending: ReturnType<typeof setTimeout> | undefined;
startPage(() => {
  void loading(setUpSlider).then(load);
  period.addEventListener('change', () => void load());
  segment.addEventListener('change', () => void load());
  slider.addEventListener('input', () => {
    describeStop();
    clearTimeout(pending);
    pending = setTimeout(() => void load(), 250);
  });
});
