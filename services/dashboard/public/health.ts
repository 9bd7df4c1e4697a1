// Ledger health: the chain's head and latest verification, projection lag, rejections and dead
// letters, and the events recorded per month by channel and by type.
import { getJson } from './api.ts';
import { drawChart, type Line } from './chart.ts';
import { formatCount, formatTime, h } from './format.ts';
import { byId, loading, startPage } from './page.ts';

interface Month { month: string; events: number; late: number; byChannel: Record<string, number>; byType: Record<string, number> }
interface ChainCheck { ok: boolean; checked: number; head: { position: number; hash: string }; failure?: { position: number; kind: string; reason: string }; finishedAt: string; durationMs: number; against: { position: number } | null }
interface ShardStatus { index: number; count: number; position: number; status: string; owner: string | null }
interface ProjectionStatus { key: string; status: string; active: boolean; position: number; lagEvents: number; lagMs: number; running: boolean; error: { message?: string } | null; shards?: ShardStatus[] }
interface Health {
  head: { position: number; hash: string; recordedAt: string | null };
  chain: ChainCheck | null;
  projections: ProjectionStatus[];
  ingest: { since: string; accepted: Record<string, { stored: number; duplicates: number }>; rejected: Record<string, Record<string, number>> };
  kafka: { stored: number; duplicates: number; deadLettered: number; deadLetterTopic: number | null } | null;
  knownAt: { started: boolean; stops: number; kept: number; running: boolean } | null;
}

/** Types beyond the busiest few are summed as "other" so the chart stays readable; the table has them all. */
const TYPES_SHOWN = 6;
const REFRESH_MS = 15_000;

const table = (caption: string, head: string[], rows: (string | Node)[][]) =>
  h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...rows.map(([first, ...rest]) => h('tr', {}, h('th', { scope: 'row' }, first!), ...rest.map((c) => h('td', {}, c))))));

const badge = (ok: boolean, text: string) => h('span', { class: `badge ${ok ? 'ok' : 'failed'}` }, text);

const renderHealth = (health: Health): void => {
  const check = health.chain;
  byId('chain').replaceChildren(
    h(
      'dl',
      {},
      h('dt', {}, 'Head'),
      h('dd', {}, `position ${formatCount(health.head.position)}, recorded ${formatTime(health.head.recordedAt)}`),
      h('dt', {}, 'Head hash'),
      h('dd', {}, h('code', { id: 'head-hash' }, health.head.hash)),
      h('dt', {}, 'Latest verification'),
      h(
        'dd',
        { id: 'verify-result' },
        check
          ? check.ok
            ? badge(true, `OK: ${formatCount(check.checked)} events chain to ${check.head.position}`)
            : badge(false, `FAILED at ${check.failure?.position}: ${check.failure?.kind}`)
          : 'running; not finished yet',
      ),
      ...(check
        ? [
            h('dt', {}, 'Checked'),
            h('dd', {}, `${formatTime(check.finishedAt)} in ${Math.round(check.durationMs)} ms${check.against ? `, proving position ${check.against.position} unchanged since the check before` : ''}`),
            ...(check.failure ? [h('dt', {}, 'Why'), h('dd', { class: 'error' }, check.failure.reason)] : []),
          ]
        : []),
    ),
  );

  const channels = [...new Set([...Object.keys(health.ingest.accepted), ...Object.keys(health.ingest.rejected)])].sort();
  const rejectedOf = (channel: string) => Object.values(health.ingest.rejected[channel] ?? {}).reduce((a, b) => a + b, 0);
  const codes = new Map<string, number>();
  for (const byCode of Object.values(health.ingest.rejected)) for (const [code, n] of Object.entries(byCode)) codes.set(code, (codes.get(code) ?? 0) + n);
  byId('ingest').replaceChildren(
    h('p', { class: 'muted' }, `Since this service started, ${formatTime(health.ingest.since)}.`),
    channels.length === 0
      ? h('p', {}, 'Nothing ingested or refused yet.')
      : table('By channel', ['Channel', 'Stored', 'Repeats', 'Refused'], channels.map((c) => [c, formatCount(health.ingest.accepted[c]?.stored ?? 0), formatCount(health.ingest.accepted[c]?.duplicates ?? 0), formatCount(rejectedOf(c))])),
    codes.size === 0 ? h('p', {}, 'No refusals.') : table('Refusals by error code', ['Code', 'Events'], [...codes].sort((a, b) => b[1] - a[1]).map(([code, n]) => [code, formatCount(n)])),
    h(
      'p',
      { id: 'dead-letters' },
      health.kafka
        ? `Kafka: ${formatCount(health.kafka.stored)} stored, ${formatCount(health.kafka.duplicates)} repeats, ${formatCount(health.kafka.deadLettered)} dead-lettered since start; ${health.kafka.deadLetterTopic === null ? 'the dead-letter topic could not be read' : `${formatCount(health.kafka.deadLetterTopic)} messages on the dead-letter topic`}.`
        : 'Kafka: this service does not consume the channel topics (serve --kafka).',
    ),
  );

  const knownAt = health.knownAt;
  byId('known-at').textContent = !knownAt
    ? ''
    : knownAt.started
      ? `Equity series as known at past month ends (the known-at slider's stops): ${formatCount(knownAt.kept)} of ${formatCount(knownAt.stops)} prepared${knownAt.running ? ', preparing the rest' : ''}. A stop not prepared yet is computed when chosen.`
      : "Equity series as known at past month ends (the known-at slider's stops): prepared once the service's start-up work is done. A stop not prepared yet is computed when chosen.";
  byId('projections').replaceChildren(
    table(
      'Every projection version',
      ['Projection', 'Status', 'Answers queries', 'Checkpoint', 'Lag (events)', 'Lag (time)', 'Error'],
      health.projections.map((p) => [p.key, badge(p.status !== 'failed', p.status), p.active ? 'yes' : 'no', formatCount(p.position), formatCount(p.lagEvents), `${(p.lagMs / 1000).toFixed(1)} s`, p.error?.message ?? '']),
    ),
    // Sharded projectors (serve --role projector --shards N): which instance folds each shard.
    ...(health.projections.some((p) => p.shards?.length)
      ? [
          table(
            'Shards and the projector instances folding them',
            ['Projection', 'Shard', 'Status', 'Checkpoint', 'Held by'],
            health.projections.flatMap((p) => (p.shards ?? []).map((s) => [p.key, `${s.index + 1} of ${s.count}`, badge(s.status !== 'failed', s.status), formatCount(s.position), s.owner ?? 'nobody (waiting for an instance)'])),
          ),
        ]
      : []),
  );
};

const renderActivity = (months: Month[]): void => {
  const labels = months.map((m) => m.month);
  const times = months.map((m) => Date.parse(`${m.month}-01T00:00:00Z`) / 1000);
  const sum = (pick: (m: Month) => Record<string, number>) => {
    const totals = new Map<string, number>();
    for (const m of months) for (const [k, n] of Object.entries(pick(m))) totals.set(k, (totals.get(k) ?? 0) + n);
    return [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  };
  const channelLines: Line[] = sum((m) => m.byChannel).map((c) => ({ label: c, values: months.map((m) => m.byChannel[c] ?? 0) }));
  const types = sum((m) => m.byType);
  const shown = types.slice(0, TYPES_SHOWN);
  const typeLines: Line[] = shown.map((t) => ({ label: t, values: months.map((m) => m.byType[t] ?? 0) }));
  if (types.length > TYPES_SHOWN) typeLines.push({ label: `other ${types.length - TYPES_SHOWN} types`, values: months.map((m) => m.events - shown.reduce((a, t) => a + (m.byType[t] ?? 0), 0)) });
  const range = labels.length ? `${labels[0]} to ${labels.at(-1)}` : 'no months';
  drawChart(byId('channels-chart'), { id: 'channels', title: 'By channel', description: `Line chart of events recorded per month by channel, ${range}.`, labels, times, lines: channelLines, format: formatCount });
  drawChart(byId('types-chart'), { id: 'types', title: `By type (the ${TYPES_SHOWN} most frequent, and the others together)`, description: `Line chart of events recorded per month by event type, ${range}.`, labels, times, lines: typeLines, format: formatCount });
  drawChart(byId('late-chart'), {
    id: 'late',
    title: 'Late arrivals (recorded more than a day after they happened) and all events',
    description: `Line chart of all events and late arrivals recorded per month, ${range}.`,
    labels, times,
    lines: [{ label: 'events', values: months.map((m) => m.events) }, { label: 'late', values: months.map((m) => m.late) }],
    format: formatCount,
  });
};

const refresh = (withActivity: boolean): Promise<void> =>
  loading(async () => {
    const [health, activity] = await Promise.all([getJson<Health>('/v1/ledger/health'), withActivity ? getJson<{ months: Month[] }>('/v1/ledger/activity') : undefined]);
    renderHealth(health);
    if (activity) renderActivity(activity.months);
    byId('refreshed').textContent = `Updated ${formatTime(new Date().toISOString())}.`;
  });

startPage(() => {
  void refresh(true);
  byId('refresh').addEventListener('click', () => void refresh(true));
  setInterval(() => void refresh(false), REFRESH_MS);
});
