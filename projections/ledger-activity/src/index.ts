import { EVENT_TYPES, isLateArrival } from '@roc-ledger/events';
import { defineProjection, type Handler, type Handlers } from '@roc-ledger/projections';

/** One month of the log, by transaction time: what the ledger recorded in it. */
export interface MonthActivity {
  events: number;
  /** Events that happened more than a day before they were recorded (isLateArrival). */
  late: number;
  byChannel: Record<string, number>;
  byType: Record<string, number>;
}

const count: Handler<MonthActivity> = (draft, event) => {
  draft.events += 1;
  if (isLateArrival(event)) draft.late += 1;
  draft.byChannel[event.channel] = (draft.byChannel[event.channel] ?? 0) + 1;
  draft.byType[event.type] = (draft.byType[event.type] ?? 0) + 1;
};

/**
 * The counts behind the ledger-health page: one partition per UTC month of recordedAt (YYYY-MM),
 * so each event touches one small state and a month's counts are final once it is over.
 */
export const ledgerActivity = defineProjection<MonthActivity>({
  name: 'ledger-activity',
  version: 1,
  description: 'Events recorded per UTC month, by channel and by type, and late arrivals.',
  consumes: EVENT_TYPES,
  initialState: { events: 0, late: 0, byChannel: {}, byType: {} },
  handlers: Object.fromEntries(EVENT_TYPES.map((type) => [type, count])) as Handlers<MonthActivity>,
  partitionBy: (event) => event.recordedAt.slice(0, 7),
});

export default ledgerActivity;
