import { minorUnitDigits } from '@roc-ledger/events';
import { MergeMap, type MergeRecord } from '@roc-ledger/identity';
import { NO_PERSONAL_DATA, CUSTOMER_STREAM_PREFIX, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import type { CashMovement } from './equity.ts';
import type { Purchase } from './summary.ts';

export interface LedgerCut {
  /** Valid time: what had happened by then. */
  readonly asOf?: Date;
  /** Transaction time: what the ledger had recorded by then. */
  readonly knownAt?: Date;
  /** Log position: only the events stored up to it (what a reader caught up to there has seen). */
  readonly through?: number;
}

export interface LedgerMoney {
  /** Every PurchaseMade: what the lifetime-value models read. */
  readonly purchases: Purchase[];
  /** Cash flow: + each purchase (its margin, amount − cost, where the cost is given), − refunds, − cost to serve. */
  readonly cash: CashMovement[];
  /** The customer a customer id stands for in this cut (itself unless merged): the ids the movements are under. */
  readonly canonicalOf: (customerId: string) => string;
}

export const MONEY_EVENT_TYPES = ['PurchaseMade', 'RefundIssued', 'CostToServeRecorded', 'CustomersMerged'] as const;

/** A money event as the log holds it, in major units of the reporting currency, under the customer whose stream it is on. */
export interface MoneyEntry {
  readonly type: 'PurchaseMade' | 'RefundIssued' | 'CostToServeRecorded';
  readonly eventId: string;
  readonly customerId: string;
  /** When it happened (valid time) and when it was recorded (transaction time), epoch ms. */
  readonly at: number;
  readonly recordedAt: number;
  readonly position: number;
  readonly channel: string;
  readonly amount: number;
  readonly cost: number | undefined;
}

/** A merge as the log holds it. */
export interface MoneyMerge extends MergeRecord {
  readonly at: number;
  readonly recordedMs: number;
}

const major = (money: unknown): number => {
  const { minor, currency } = money as { minor: number; currency: string };
  return minor / 10 ** minorUnitDigits(currency);
};

/**
 * The log's money events and merges, in log order, kept in memory: any cut of them (by valid
 * time, transaction time or position) without reading the log again. What a reader that follows
 * the log (the equity tracker) keeps, adding each event as it comes.
 */
export class MoneyLog {
  readonly entries: MoneyEntry[] = [];
  readonly merges: MoneyMerge[] = [];
  /** Every money event up to this log position is here; events at or before it are ignored (a batch given again after a failure). */
  position = 0;
  /** The transaction time of the last event added (epoch ms): every event recorded before it is here. */
  lastRecordedAt = Number.NEGATIVE_INFINITY;

  /** Adds the next event of the log (money events and merges on customers' streams; any other is passed over). */
  add(event: RecordedEvent): void {
    if (event.globalPosition <= this.position) return;
    this.position = event.globalPosition;
    this.lastRecordedAt = Date.parse(event.recordedAt);
    if (!event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return;
    const at = Date.parse(event.occurredAt);
    const recordedAt = this.lastRecordedAt;
    if (event.type === 'CustomersMerged') {
      const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
      this.merges.push({ survivorId, mergedId, globalPosition: event.globalPosition, occurredAt: event.occurredAt, recordedAt: event.recordedAt, at, recordedMs: recordedAt });
      return;
    }
    if (event.type !== 'PurchaseMade' && event.type !== 'RefundIssued' && event.type !== 'CostToServeRecorded') return;
    const data = event.data as { amount: unknown; cost?: unknown };
    this.entries.push({ type: event.type, eventId: event.eventId, customerId: event.streamId.slice(CUSTOMER_STREAM_PREFIX.length), at, recordedAt, position: event.globalPosition, channel: event.channel, amount: major(data.amount), cost: data.cost === undefined ? undefined : major(data.cost) });
  }

  /** Every money event up to this position has been added (a reader caught up to it). */
  caughtUpTo(position: number): void {
    this.position = Math.max(this.position, position);
  }

  /** Whether every event of a cut is here: every event up to its position, or recorded by its instant. */
  covers(cut: { readonly through: number } | { readonly knownAt: Date }): boolean {
    return 'through' in cut ? cut.through <= this.position : cut.knownAt.getTime() < this.lastRecordedAt;
  }

  /**
   * The money in a cut, each movement under its canonical customer: every merge in the cut that
   * happened by asOf is followed, for movements of any time (identity is retroactive).
   */
  cut(cut: LedgerCut = {}): LedgerMoney {
    const asOf = cut.asOf?.getTime() ?? Number.POSITIVE_INFINITY;
    const inCut = cutFilter(cut);
    const merges = new MergeMap();
    for (const m of this.merges) if (inCut(m.recordedMs, m.globalPosition) && m.at <= asOf) merges.apply(m);
    const purchases: Purchase[] = [];
    const cash: CashMovement[] = [];
    for (const e of this.entries) {
      if (!inCut(e.recordedAt, e.position)) break; // log order: nothing later is in the cut either
      if (e.at > asOf) continue;
      const customerId = merges.canonical(e.customerId);
      if (e.type === 'PurchaseMade') {
        purchases.push({ customerId, at: e.at, value: e.amount, channel: e.channel });
        cash.push({ customerId, at: e.at, amount: e.cost === undefined ? e.amount : e.amount - e.cost, eventId: e.eventId });
      } else {
        cash.push({ customerId, at: e.at, amount: -e.amount, eventId: e.eventId });
      }
    }
    return { purchases, cash, canonicalOf: (customerId) => merges.canonical(customerId) };
  }
}

/** Whether an event (its transaction time and position) is in a cut; false for one, false for every later one. */
const cutFilter = (cut: LedgerCut): ((recordedAt: number, position: number) => boolean) => {
  const knownAt = cut.knownAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const through = cut.through ?? Number.POSITIVE_INFINITY;
  return (recordedAt, position) => recordedAt <= knownAt && position <= through;
};

/** The log's money events up to a cut's transaction time and position, read from the store. */
export const readMoneyLog = async (store: EventStore, cut: Pick<LedgerCut, 'knownAt' | 'through'> = {}): Promise<MoneyLog> => {
  const inCut = cutFilter(cut);
  const log = new MoneyLog();
  for await (const event of store.readAll({ types: [...MONEY_EVENT_TYPES], openPersonalData: NO_PERSONAL_DATA, pageSize: 2048 })) {
    if (!inCut(Date.parse(event.recordedAt), event.globalPosition)) break; // recordedAt never decreases along the log
    log.add(event);
  }
  // Read to the end of the log or past the position: every money event up to it is here.
  if (cut.through !== undefined) log.caughtUpTo(cut.through);
  return log;
};

/**
 * The ledger's money in a cut, in major units of the reporting currency, each movement under its
 * canonical customer (every merge within the cut followed, for movements of any time).
 */
export const moneyFromLedger = async (store: EventStore, cut: LedgerCut = {}): Promise<LedgerMoney> => (await readMoneyLog(store, cut)).cut(cut);

/** The ledger's purchases in a cut (see moneyFromLedger). */
export const purchasesFromLedger = async (store: EventStore, cut: LedgerCut = {}): Promise<Purchase[]> => (await moneyFromLedger(store, cut)).purchases;
