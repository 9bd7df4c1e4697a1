// Projections: any projection's answer (one of its queries over one partition) now, as of a date
// or as known at a date; an answer that is rows (a list of flat records, as `project run` writes)
// becomes a table, and a chart of a number over a date column, one line per value of another.
import { getJson } from './api.ts';
import { drawChart } from './chart.ts';
import { formatCount, formatTime, h } from './format.ts';
import { byId, loading, startPage } from './page.ts';

interface Definition { description?: string; partitionBy: 'customer' | 'global' | 'custom'; queries: string[] }
interface ProjectionStatus { key: string; name: string; version: number; status: string; active: boolean; definition?: Definition }
interface QueryAnswer { projection: string; partition: string; at: string; source: 'stored' | 'replayed'; position: number; result: unknown }
type Row = Readonly<Record<string, unknown>>;

/** The partition every event of a global projection folds into. */
const GLOBAL_PARTITION = '*';
const BUILT_IN = new Set(['customer-view', 'trust-score', 'ledger-activity']);
/** Rows shown in the table; the chart takes them all. */
const TABLE_ROWS = 500;
/** A text column splits the chart into lines by default only when it has at most this many values. */
const MAX_LINES = 8;
/** Values read as dates: a year, a year-month, a date, or an ISO time. */
const DATE_LIKE = /^\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?)?)?$/;

const epochSeconds = (value: string): number => Date.parse(value.length === 4 ? `${value}-01-01T00:00:00Z` : value.length === 7 ? `${value}-01T00:00:00Z` : value.length === 10 ? `${value}T00:00:00Z` : value) / 1000;

const isRows = (result: unknown): result is Row[] =>
  Array.isArray(result) &&
  result.length > 0 &&
  result.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row) && Object.values(row).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v)));

/** The rows' columns in the order they first appear, and which hold numbers, dates or other text. */
const columnsOf = (rows: readonly Row[]) => {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const valuesOf = new Map(names.map((name) => [name, rows.map((row) => row[name]).filter((v) => v !== null && v !== undefined)]));
  const all = (name: string, test: (v: unknown) => boolean) => valuesOf.get(name)!.length > 0 && valuesOf.get(name)!.every(test);
  const numbers = names.filter((name) => all(name, (v) => typeof v === 'number' && Number.isFinite(v)));
  const dates = names.filter((name) => all(name, (v) => typeof v === 'string' && DATE_LIKE.test(v) && Number.isFinite(epochSeconds(v))));
  const texts = names.filter((name) => !numbers.includes(name) && !dates.includes(name) && valuesOf.get(name)!.every((v) => typeof v === 'string'));
  return { names, numbers, dates, texts, distinct: (name: string) => [...new Set(valuesOf.get(name)!.map(String))].sort() };
};

const options = (select: HTMLSelectElement, choices: readonly (readonly [string, string])[], selected: string | undefined): void => {
  select.replaceChildren(...choices.map(([value, label]) => h('option', { value, selected: value === selected }, label)));
};

let statuses: ProjectionStatus[] = [];
let rows: Row[] = [];

/** Each projection this service can answer for, once: its active version, else its newest. */
const answering = (): ProjectionStatus[] => {
  const byName = new Map<string, ProjectionStatus>();
  for (const s of statuses.filter((s) => s.definition)) {
    const known = byName.get(s.name);
    if (!known || (s.active && !known.active) || (s.active === known.active && s.version > known.version)) byName.set(s.name, s);
  }
  return [...byName.values()].sort((a, b) => Number(BUILT_IN.has(a.name)) - Number(BUILT_IN.has(b.name)) || (a.name < b.name ? -1 : 1));
};

const chosen = (): ProjectionStatus | undefined => answering().find((s) => s.name === byId<HTMLSelectElement>('projection').value);

/** The projection's stored partition keys (the first 1,000) as the partition field's suggestions. */
const suggestPartitions = async (projection: ProjectionStatus | undefined): Promise<void> => {
  const list = byId('partitions');
  list.replaceChildren();
  if (!projection || projection.definition?.partitionBy === 'global') return;
  const page = await getJson<{ partitions: string[] }>(`/v1/projections/${encodeURIComponent(projection.name)}/partitions`, { limit: 1000 });
  // Another projection chosen meanwhile has its own.
  if (chosen() === projection) list.replaceChildren(...page.partitions.map((key) => h('option', { value: key })));
};

/** The query and partition fields for the projection chosen. */
const fitFields = (): void => {
  const projection = chosen();
  const definition = projection?.definition;
  const queries = ['state', ...(definition?.queries ?? [])];
  options(byId('query'), queries.map((q) => [q, q === 'state' ? 'state (the stored state itself)' : q]), queries.includes('rows') ? 'rows' : (definition?.queries[0] ?? 'state'));
  const global = definition?.partitionBy === 'global';
  byId('partition-field').hidden = global;
  const input = byId<HTMLInputElement>('partition');
  input.required = !global;
  byId('partition-help').textContent = definition?.partitionBy === 'customer' ? 'A customer id; a merged id answers for its survivor.' : "The projection's own partition key.";
  byId('about').textContent = [projection ? `${projection.name}@${projection.version}, ${projection.status}` : '', definition?.description ?? ''].filter(Boolean).join(': ');
  // Suggestions only: the field takes any key, and a failure to list them leaves it as it was.
  void suggestPartitions(projection).catch(() => undefined);
};

const drawRows = (): void => {
  const figure = byId('rows-chart');
  const columns = columnsOf(rows);
  const x = byId<HTMLSelectElement>('x-column').value;
  const y = byId<HTMLSelectElement>('y-column').value;
  const split = byId<HTMLSelectElement>('split-column').value;
  if (!x || !y) {
    figure.hidden = true;
    return;
  }
  const labels = columns.distinct(x);
  const groups = split ? columns.distinct(split) : [y];
  const labelAt = new Map(labels.map((label, i) => [label, i]));
  const lines = groups.map((group) => ({ label: group, values: labels.map((): number | null => null) }));
  const lineOf = new Map(lines.map((line) => [line.label, line]));
  // Rows that share a date (and line) are summed.
  for (const row of rows) {
    const at = labelAt.get(String(row[x]));
    const line = lineOf.get(split ? String(row[split]) : y);
    const value = row[y];
    if (at !== undefined && line && typeof value === 'number') line.values[at] = (line.values[at] ?? 0) + value;
  }
  figure.hidden = false;
  drawChart(figure, {
    id: 'rows',
    title: `${y} over ${x}${split ? `, one line per ${split}` : ''}`,
    description: `Line chart of ${y} for each ${x}${split ? `, one line for each ${split}: ${groups.join(', ')}` : ''}. The table below the chart has the same figures.`,
    labels,
    times: labels.map(epochSeconds),
    lines,
    format: (value) => formatCount(value),
  });
};

const showAnswer = (answer: QueryAnswer): void => {
  byId('about').textContent = `${answer.projection}, partition ${answer.partition}, at ${formatTime(answer.at)}: ${answer.source === 'stored' ? 'its kept state' : 'folded from the log for this cut'} (checkpoint ${formatCount(answer.position)}).`;
  const controls = byId<HTMLFormElement>('chart-controls');
  if (!isRows(answer.result)) {
    rows = [];
    controls.hidden = true;
    byId('rows-chart').hidden = true;
    byId('answer').replaceChildren(h('pre', { id: 'answer-json', tabindex: '0' }, JSON.stringify(answer.result, null, 2)));
    return;
  }
  rows = answer.result;
  const columns = columnsOf(rows);
  const shown = rows.slice(0, TABLE_ROWS);
  byId('answer').replaceChildren(
    h(
      'table',
      { id: 'answer-rows' },
      h('caption', {}, rows.length > TABLE_ROWS ? `The first ${TABLE_ROWS} of ${formatCount(rows.length)} rows` : `${formatCount(rows.length)} row(s)`),
      h('thead', {}, h('tr', {}, ...columns.names.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, ...shown.map((row) => h('tr', {}, ...columns.names.map((name, i) => h(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : { class: columns.numbers.includes(name) ? undefined : 'text' }, row[name] === null || row[name] === undefined ? '–' : String(row[name])))))),
    ),
  );
  const chartable = columns.dates.length > 0 && columns.numbers.length > 0;
  controls.hidden = !chartable;
  if (!chartable) {
    byId('rows-chart').hidden = true;
    return;
  }
  const x = columns.dates[0]!;
  const splits = columns.texts.filter((name) => name !== x);
  options(byId('x-column'), columns.dates.map((name) => [name, name]), x);
  options(byId('y-column'), columns.numbers.map((name) => [name, name]), columns.numbers[0]);
  options(byId('split-column'), [['', 'none (one line)'], ...splits.map((name) => [name, name] as const)], splits.find((name) => columns.distinct(name).length <= MAX_LINES) ?? '');
  drawRows();
};

const ask = () =>
  loading(async () => {
    const projection = chosen();
    if (!projection) throw new Error('This service answers for no projection yet.');
    const partition = projection.definition?.partitionBy === 'global' ? GLOBAL_PARTITION : byId<HTMLInputElement>('partition').value.trim();
    if (!partition) throw new Error(`Enter a ${projection.definition?.partitionBy === 'customer' ? 'customer id' : 'partition'} for ${projection.name}.`);
    const answer = await getJson<QueryAnswer>(`/v1/projections/${encodeURIComponent(projection.name)}/partitions/${encodeURIComponent(partition)}`, {
      query: byId<HTMLSelectElement>('query').value,
      asOf: byId<HTMLInputElement>('as-of').value,
      knownAt: byId<HTMLInputElement>('known-at').value,
    });
    showAnswer(answer);
    // The page's address keeps what was asked, so that a view can be shared or bookmarked.
    const url = new URL(location.href);
    url.search = '';
    const asked = { projection: projection.name, query: byId<HTMLSelectElement>('query').value, partition: partition === GLOBAL_PARTITION ? '' : partition, asOf: byId<HTMLInputElement>('as-of').value, knownAt: byId<HTMLInputElement>('known-at').value };
    for (const [name, value] of Object.entries(asked)) if (value) url.searchParams.set(name, value);
    history.replaceState(null, '', url);
  });

startPage(() => {
  void loading(async () => {
    statuses = (await getJson<{ projections: ProjectionStatus[] }>('/v1/projections')).projections;
    const choices = answering();
    const asked = new URLSearchParams(location.search);
    // What the address asks for; else an analyst's projection with rows first: what this page is for.
    const first = choices.find((s) => s.name === asked.get('projection')) ?? choices.find((s) => !BUILT_IN.has(s.name) && s.definition!.queries.includes('rows')) ?? choices[0];
    options(byId('projection'), choices.map((s) => [s.name, `${s.name}@${s.version}${BUILT_IN.has(s.name) ? ' (built in)' : ''}`]), first?.name);
    fitFields();
    const query = byId<HTMLSelectElement>('query');
    if ([...query.options].some((o) => o.value === asked.get('query'))) query.value = asked.get('query')!;
    byId<HTMLInputElement>('partition').value = asked.get('partition') ?? '';
    byId<HTMLInputElement>('as-of').value = asked.get('asOf') ?? '';
    byId<HTMLInputElement>('known-at').value = asked.get('knownAt') ?? '';
    if (first?.definition?.partitionBy === 'global' || (first && asked.get('partition'))) await ask();
  });
  byId('projection').addEventListener('change', fitFields);
  byId<HTMLFormElement>('ask').addEventListener('submit', (event) => {
    event.preventDefault();
    void ask();
  });
  for (const id of ['x-column', 'y-column', 'split-column']) byId(id).addEventListener('change', drawRows);
});
