// An analyst's projection: how long complaints take to resolve, per channel and month.
// Run it over all history:   roc-ledger project run examples/complaint-resolution.ts --out resolution.csv
// Keep it current:           roc-ledger project add examples/complaint-resolution.ts
import { defineProjection } from '@roc-ledger/projections';

interface Bucket {
  resolved: number;
  hours: number;
  late: number;
}

interface ComplaintResolution {
  /** Complaints opened and not yet resolved: when, on which channel, by when promised. */
  open: Record<string, { openedAt: string; channel: string; dueBy: string }>;
  /** "<channel>/<YYYY-MM of the opening>" → resolutions. */
  buckets: Record<string, Bucket>;
}

export default defineProjection<ComplaintResolution>({
  name: 'complaint-resolution',
  version: 1,
  description: 'Complaint resolution time per channel (where the complaint was made) and month (when it was made).',
  consumes: ['ComplaintOpened', 'ComplaintResolved'],
  // One state for the whole ledger; per-customer partitioning would split the counts.
  partitionBy: 'global',
  initialState: { open: {}, buckets: {} },
  handlers: {
    ComplaintOpened: (state, event) => {
      state.open[`${event.streamId}/${event.data.complaintId}`] = { openedAt: event.occurredAt, channel: event.channel, dueBy: event.data.dueBy };
    },
    ComplaintResolved: (state, event) => {
      const key = `${event.streamId}/${event.data.complaintId}`;
      const opened = state.open[key];
      if (!opened) return;
      delete state.open[key];
      const bucket = (state.buckets[`${opened.channel}/${opened.openedAt.slice(0, 7)}`] ??= { resolved: 0, hours: 0, late: 0 });
      bucket.resolved += 1;
      bucket.hours += (Date.parse(event.occurredAt) - Date.parse(opened.openedAt)) / 3_600_000;
      if (Date.parse(event.occurredAt) > Date.parse(opened.dueBy)) bucket.late += 1;
    },
  },
  queries: {
    /** One row per channel and month: what `project run --out x.csv` writes. */
    rows: (state) =>
      Object.entries(state.buckets)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, b]) => {
          const [channel, month] = key.split('/');
          return { channel, month, resolved: b.resolved, meanHours: Math.round((b.hours / b.resolved) * 10) / 10, lateShare: Math.round((b.late / b.resolved) * 1000) / 1000 };
        }),
  },
});
