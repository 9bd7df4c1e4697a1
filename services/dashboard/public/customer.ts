// One customer's whole story: the single customer view, the trust score with its contributions,
// and the timeline of every event across channels, each as of a valid time and as known at a
// transaction time.
import { getJson } from './api.ts';
import { drawChart } from './chart.ts';
import { formatCount, formatDate, formatDuration, formatMinor, formatTime, h } from './format.ts';
import { channelIcon } from './icons.ts';
import { byId, loading, startPage, useLedgerCurrency } from './page.ts';

interface Answer<T> { projection: string; source: string; at: string; result: T }
interface Contribution { eventId: string; type: string; date: string; rule: string; effect: number; points: number }
interface Trust { score: number; base: number; rulesVersion: number; contributions: Contribution[] }
interface StoredEvent { eventId: string; type: string; channel: string; source: string; occurredAt: string; recordedAt: string; globalPosition: number; data: Record<string, unknown> }
interface History { customerId: string; total: number; matched: number; offset: number; events: StoredEvent[] }
type View = Record<string, any>;

/** The ledger's rule for a late arrival (isLateArrival in @roc-ledger/events): recorded more than a day after it happened. */
const LATE_ARRIVAL_MS = 86_400_000;
const PAGE = 50;

const form = byId<HTMLFormElement>('search');
const input = byId<HTMLInputElement>('customer');
const asOfInput = byId<HTMLInputElement>('as-of');
const knownAtInput = byId<HTMLInputElement>('known-at');
const olderButton = byId<HTMLButtonElement>('older');

let current: { customerId: string; cut: { asOf?: string; knownAt?: string }; loaded: number; matched: number } | undefined;

const cutOf = () => ({ asOf: asOfInput.value || undefined, knownAt: knownAtInput.value || undefined });

const resolve = async (text: string, cut: { asOf?: string; knownAt?: string }): Promise<string> => {
  if (!text.includes(':')) return text;
  return (await getJson<{ customerId: string }>('/v1/customers', { identifier: text, ...cut })).customerId;
};

const entry = (term: string, ...description: (Node | string)[]) => [h('dt', {}, term), h('dd', {}, ...description)];

const renderView = (view: View): void => {
  const profile = view.profile ?? {};
  const name = [profile.givenName, profile.familyName].filter(Boolean).join(' ') || '–';
  const address = profile.address ? [profile.address.line1, profile.address.postalCode, profile.address.city, profile.address.country].filter(Boolean).join(', ') : '–';
  const pairs = (record: Record<string, any> | undefined, show: (key: string, value: any) => string) =>
    Object.entries(record ?? {}).map(([key, value]) => show(key, value)).join('; ') || '–';
  const promises = (p: any) => `${p.openCount} open, ${p.overdueCount} overdue, ${p.closed} closed (${p.closedLate} late)`;
  byId('view').replaceChildren(
    h(
      'dl',
      {},
      ...entry('Customer id', h('code', {}, view.customerId)),
      ...(view.erased ? entry('Erased', `personal data erased ${formatTime(view.erased.at ?? view.erased)}`) : []),
      ...entry('Name', name),
      ...entry('Address', address),
      ...entry('Identifiers', (view.identifiers ?? []).map((i: any) => `${i.kind}: ${i.value}${i.verified ? ' (verified)' : ''}`).join('; ') || '–'),
      ...entry('Merged customers', (view.mergedIds ?? []).join(', ') || 'none'),
      ...entry('Consent', pairs(view.consent, (purpose, c) => `${purpose} ${c.granted ? 'granted' : 'withdrawn'} ${formatDate(c.at)}`)),
      ...entry('Contact preferences', pairs(view.contactPreferences, (channel, p) => `${channel} ${p.optedIn ? 'opted in' : 'opted out'}`)),
      ...entry('Channels', pairs(view.channels, (channel, c) => `${channel}: ${c.events} events, last ${formatDate(c.lastContactAt)}`)),
      ...entry('Purchases', `${formatCount(view.purchases?.count)} for ${formatMinor(view.purchases?.minor ?? 0)}`),
      ...entry('Refunds', `${formatCount(view.refunds?.count)} for ${formatMinor(view.refunds?.minor ?? 0)}`),
      ...entry('Enquiries', promises(view.enquiries)),
      ...entry('Complaints', promises(view.complaints)),
      ...entry('Offers, last 30 days', `${view.offers.last30Days.presented} presented, ${view.offers.last30Days.accepted} accepted, ${view.offers.last30Days.declined} declined`),
      ...entry('Offers, last 90 days', `${view.offers.last90Days.presented} presented, ${view.offers.last90Days.accepted} accepted, ${view.offers.last90Days.declined} declined`),
      ...entry('Latest sentiment', view.sentiment ? `${view.sentiment.score} on ${formatDate(view.sentiment.at)}` : '–'),
      ...entry('Ideas and votes', `${view.ideas?.submitted ?? 0} ideas, ${view.ideas?.votesUp ?? 0} up, ${view.ideas?.votesDown ?? 0} down`),
      ...entry('First seen', formatTime(view.firstSeen)),
      ...entry('Last seen', formatTime(view.lastSeen)),
    ),
  );
};

const renderTrust = (trust: Trust, at: string): void => {
  byId('trust-score').textContent = `${trust.score} of 100 at ${formatTime(at)} (base ${trust.base}, rules version ${trust.rulesVersion}, ${trust.contributions.length} contributions).`;
  // Points now, summed per day, so that the bars line up on a time axis.
  const byDay = new Map<string, number>();
  for (const c of trust.contributions) byDay.set(c.date.slice(0, 10), (byDay.get(c.date.slice(0, 10)) ?? 0) + c.points);
  const days = [...byDay.keys()].sort();
  drawChart(byId('trust-chart'), {
    id: 'trust',
    title: 'Contributions to the trust score, points now, by day',
    description: `Bar chart of the points each day's events add to or take from the score now; ${days.length} days. The list below names every contribution and links to its event.`,
    labels: days,
    times: days.map((d) => Date.parse(d) / 1000),
    lines: [{ label: 'Points', values: days.map((d) => Math.round(byDay.get(d)! * 100) / 100) }],
    format: (v) => v.toFixed(2),
    bars: true,
  });
  byId('contributions').replaceChildren(
    ...[...trust.contributions]
      .sort((a, b) => b.date.localeCompare(a.date))
      .map((c) => {
        const link = h('a', { href: `#event-${c.eventId}`, 'data-event': c.eventId }, c.rule);
        link.addEventListener('click', (event) => {
          event.preventDefault();
          void reveal(c.eventId);
        });
        return h('li', {}, link, ` ${c.type}, ${formatDate(c.date)}: effect ${c.effect > 0 ? '+' : ''}${c.effect}, now ${c.points > 0 ? '+' : ''}${c.points.toFixed(2)} points`);
      }),
  );
};

const describeData = (event: StoredEvent): string => {
  const amount = (event.data.amount as { minor?: number } | undefined)?.minor;
  const parts = Object.entries(event.data)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .slice(0, 4)
    .map(([key, value]) => `${key} ${String(value)}`);
  return [amount !== undefined ? formatMinor(amount) : undefined, ...parts].filter(Boolean).join(', ');
};

const timelineItem = (event: StoredEvent): HTMLElement => {
  const lateBy = Date.parse(event.recordedAt) - Date.parse(event.occurredAt);
  const late = lateBy > LATE_ARRIVAL_MS;
  return h(
    'li',
    { id: `event-${event.eventId}`, 'data-channel': event.channel, 'data-late': late ? 'true' : undefined, tabindex: '-1' },
    channelIcon(event.channel),
    h(
      'div',
      {},
      h('strong', {}, event.type),
      ` on ${event.channel} (${event.source}), ${formatTime(event.occurredAt)} `,
      late ? h('span', { class: 'badge late' }, `late: recorded ${formatDuration(lateBy)} after`) : null,
      h('br'),
      h('span', { class: 'muted' }, `recorded ${formatTime(event.recordedAt)}, position ${event.globalPosition}`),
      describeData(event) ? h('span', { class: 'muted' }, ` · ${describeData(event)}`) : null,
    ),
  );
};

const loadOlder = async (): Promise<boolean> => {
  if (!current || current.loaded >= current.matched) return false;
  const page = await getJson<History>(`/v1/customers/${encodeURIComponent(current.customerId)}/history`, { ...current.cut, order: 'desc', offset: current.loaded, limit: PAGE });
  byId('timeline').append(...page.events.map(timelineItem));
  current.loaded += page.events.length;
  current.matched = page.matched;
  olderButton.hidden = current.loaded >= current.matched;
  byId('timeline-title').textContent = `Timeline (${current.loaded} of ${current.matched} events)`;
  return page.events.length > 0;
};

/** Scrolls to an event on the timeline, loading older pages until it is there. */
const reveal = async (eventId: string): Promise<void> => {
  await loading(async () => {
    while (!document.getElementById(`event-${eventId}`) && (await loadOlder()));
  });
  const item = document.getElementById(`event-${eventId}`);
  if (!item) return;
  history.replaceState(null, '', `${location.search}#event-${eventId}`);
  item.scrollIntoView({ block: 'center' });
  item.focus();
};

const show = (): Promise<void> =>
  loading(async () => {
    const text = input.value.trim();
    if (!text) return;
    const cut = cutOf();
    const params = new URLSearchParams({ customer: text, ...(cut.asOf ? { asOf: cut.asOf } : {}), ...(cut.knownAt ? { knownAt: cut.knownAt } : {}) });
    history.replaceState(null, '', `?${params}`);
    const customerId = await resolve(text, cut);
    const path = `/v1/customers/${encodeURIComponent(customerId)}`;
    const [view, trust] = await Promise.all([getJson<Answer<View>>(path, cut), getJson<Answer<Trust>>(`${path}/trust`, cut), useLedgerCurrency()]);
    current = { customerId, cut, loaded: 0, matched: Number.POSITIVE_INFINITY };
    byId('timeline').replaceChildren();
    await loadOlder();
    renderView(view.result);
    renderTrust(trust.result, trust.at);
    byId('customer-pages').hidden = false;
    const cutText = [cut.asOf ? `as of ${cut.asOf}` : '', cut.knownAt ? `as known at ${cut.knownAt}` : ''].filter(Boolean).join(', ');
    byId('summary').textContent = `${customerId}${text === customerId ? '' : ` (found by ${text})`}${cutText ? `, ${cutText}` : ''}: ${current.matched} events.`;
  });

startPage(() => {
  const params = new URLSearchParams(location.search);
  input.value = params.get('customer') ?? '';
  asOfInput.value = params.get('asOf') ?? '';
  knownAtInput.value = params.get('knownAt') ?? '';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void show();
  });
  olderButton.addEventListener('click', () => void loading(async () => void (await loadOlder())));
  if (input.value) void show();
  else input.focus();
});
