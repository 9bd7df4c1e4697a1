import { isLateArrival } from '@roc-ledger/events';
import { NO_PERSONAL_DATA, type EventStore } from '@roc-ledger/ledger';
import { ExitCode } from '../exitCodes.ts';
import { openLedger } from '../openLedger.ts';
import { formatTable } from '../output/table.ts';

export interface LedgerSummary {
  events: number;
  customers: number;
  firstOccurredAt: string | null;
  lastOccurredAt: string | null;
  /** Events the ledger learned more than a day after they happened. */
  lateArrivals: number;
  byChannel: Record<string, number>;
  byType: Record<string, number>;
}

const bump = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

/** One pass over the whole log, streamed. */
export const summarizeLedger = async (store: EventStore): Promise<LedgerSummary> => {
  const streams = new Set<string>();
  const summary: LedgerSummary = { events: 0, customers: 0, firstOccurredAt: null, lastOccurredAt: null, lateArrivals: 0, byChannel: {}, byType: {} };
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  // A page at a time: a promise per page rather than one per event.
  for await (const page of store.readAll({ pageSize: 2048, openPersonalData: NO_PERSONAL_DATA }).pages()) {
    for (const event of page) {
      summary.events++;
      streams.add(event.streamId);
      bump(summary.byChannel, event.channel);
      bump(summary.byType, event.type);
      const occurred = Date.parse(event.occurredAt);
      if (isLateArrival(event)) summary.lateArrivals++;
      if (occurred < first) [first, summary.firstOccurredAt] = [occurred, event.occurredAt];
      if (occurred > last) [last, summary.lastOccurredAt] = [occurred, event.occurredAt];
    }
  }
  summary.customers = streams.size;
  return summary;
};

const sortedRows = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([key, n]) => [key, String(n)]);

export const formatLedgerSummary = (s: LedgerSummary): string =>
  [
    `${s.events} events of ${s.customers} customers, occurred ${s.firstOccurredAt ?? '-'} .. ${s.lastOccurredAt ?? '-'}`,
    `${s.lateArrivals} arrived more than a day after they happened`,
    '',
    formatTable(['channel', 'events'], sortedRows(s.byChannel)),
    '',
    formatTable(['type', 'events'], sortedRows(s.byType)),
  ].join('\n');

export const summaryCommand = async (options: { dataDir?: string; json?: boolean }): Promise<number> => {
  const { store } = openLedger(options.dataDir);
  try {
    const summary = await summarizeLedger(store);
    process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${formatLedgerSummary(summary)}\n`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
};
