// Charts: uPlot for the picture, a table of the same figures beside it for keyboards and screen
// readers, and window.rocCharts holding what was drawn (the end-to-end tests compare it to the API).
import uPlot from './vendor/uPlot.esm.js';
import { h } from './format.ts';

export interface Line {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Read out instead of the picture. */
  readonly description: string;
  /** One label per x position (a period, a date), shown in the table. */
  readonly labels: readonly string[];
  /** The x positions, epoch seconds. */
  readonly times: readonly number[];
  readonly lines: readonly Line[];
  readonly format: (value: number) => string;
  readonly bars?: boolean;
  /** x positions to flag with a marker (restatements); a click on the chart there calls onSelect. */
  readonly markers?: readonly number[];
  readonly onSelect?: (index: number) => void;
}

declare global {
  interface Window {
    rocCharts: Record<string, { labels: string[]; lines: Record<string, (number | null)[]>; markers: number[]; renders: number }>;
  }
}
window.rocCharts ??= {};

/** Colours with at least 3:1 contrast on white (WCAG 1.4.11). */
const PALETTE = ['#1f5fbf', '#b3541e', '#2e7d32', '#8e24aa', '#c62828', '#00796b', '#5d4037', '#455a64'];
const MARKER = '#b00020';
const HEIGHT = 280;

const charts = new Map<string, uPlot>();

const drawMarkers = (markers: readonly number[], times: readonly number[]) => (u: uPlot) => {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = MARKER;
  for (const index of markers) {
    const x = u.valToPos(times[index]!, 'x', true);
    const y = u.bbox.top;
    const size = 7 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x - size, y);
    ctx.lineTo(x + size, y);
    ctx.lineTo(x, y + size * 1.6);
    ctx.closePath();
    ctx.fill();
  }
  ctx.restore();
};

const tableOf = (spec: ChartSpec): HTMLElement =>
  h(
    'details',
    { class: 'chart-table' },
    h('summary', {}, `Table: ${spec.title}`),
    h(
      'table',
      {},
      h('caption', {}, spec.title),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Period'), ...spec.lines.map((line) => h('th', { scope: 'col' }, line.label)))),
      h(
        'tbody',
        {},
        ...spec.labels.map((label, index) =>
          h(
            'tr',
            { 'data-marked': spec.markers?.includes(index) ? 'true' : undefined },
            h('th', { scope: 'row' }, label),
            ...spec.lines.map((line) => {
              const value = line.values[index];
              return h('td', {}, value === null || value === undefined ? '–' : spec.format(value));
            }),
          ),
        ),
      ),
    ),
  );

/** Draws (or redraws) a chart into its figure element. */
export const drawChart = (figure: HTMLElement, spec: ChartSpec): void => {
  charts.get(spec.id)?.destroy();
  const plot = h('div', { class: 'chart', role: 'img', 'aria-label': spec.description });
  figure.replaceChildren(h('figcaption', {}, spec.title), plot, tableOf(spec));
  const options: uPlot.Options = {
    width: Math.max(320, figure.clientWidth - 16),
    height: HEIGHT,
    scales: { x: { time: true } },
    series: [
      { value: (_u, value) => (value === null ? '–' : new Date(value * 1000).toISOString().slice(0, 10)) },
      ...spec.lines.map((line, index) => ({
        label: line.label,
        stroke: PALETTE[index % PALETTE.length]!,
        width: 2,
        points: { show: spec.labels.length < 60 },
        value: (_u: uPlot, value: number | null) => (value === null ? '–' : spec.format(value)),
        ...(spec.bars ? { paths: uPlot.paths.bars!({ size: [0.7, 18] }), fill: `${PALETTE[index % PALETTE.length]!}99` } : {}),
      })),
    ],
    axes: [{}, { size: 90, values: (_u, splits) => splits.map((v) => spec.format(v)) }],
    hooks: { draw: spec.markers && spec.markers.length > 0 ? [drawMarkers(spec.markers, spec.times)] : [] },
  };
  const data = [[...spec.times], ...spec.lines.map((line) => [...line.values])] as uPlot.AlignedData;
  const chart = new uPlot(options, data, plot);
  if (spec.onSelect) {
    chart.over.addEventListener('click', () => {
      const index = chart.cursor.idx;
      if (index !== null && index !== undefined) spec.onSelect!(index);
    });
  }
  charts.set(spec.id, chart);
  const previous = window.rocCharts[spec.id]?.renders ?? 0;
  window.rocCharts[spec.id] = {
    labels: [...spec.labels],
    lines: Object.fromEntries(spec.lines.map((line) => [line.label, [...line.values]])),
    markers: [...(spec.markers ?? [])],
    renders: previous + 1,
  };
  figure.dataset.renders = String(previous + 1);
};

addEventListener('resize', () => {
  for (const chart of charts.values()) {
    const figure = chart.root.closest('figure');
    if (figure) chart.setSize({ width: Math.max(320, figure.clientWidth - 16), height: HEIGHT });
  }
});
