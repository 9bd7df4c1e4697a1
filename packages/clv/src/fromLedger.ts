import { minorUnitDigits } from '@roc-ledger/events';
import { MergeMap, type MergeRecord } from '@roc-ledger/identity';
import { NO_PERSONAL_DATA, CUSTOMER_STREAM_PREFIX, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import type { CashMovement } from './equity.ts';
import { unpackMoney, type MoneyColumns } from './moneyColumns.ts';
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
  /** The same, in columns (made first; the objects above are made from them when first read). */
  readonly columns: MoneyColumns;
  /** When the first purchase happened (epoch ms); Infinity without one. */
  readonly firstPurchaseAt: number;
  /** The customer a customer id stands for in this cut (itself unless merged): the ids the movements are under. */
  canonicalOf(customerId: string): string;
  /** When the first purchase, refund or cost of any of these (canonical) customers happened; Infinity if none. */
  firstMovementOf(customerIds: Iterable<string>): number;
}

export const MONEY_EVENT_TYPES = ['PurchaseMade', 'RefundIssued', 'CostToServeRecorded', 'CustomersMerged'] as const;

const PURCHASE = 0;
const REFUND = 1;
const COST = 2;
const KINDS: Record<string, number | undefined> = { PurchaseMade: PURCHASE, RefundIssued: REFUND, CostToServeRecorded: COST };

/** What the equity series reads of a money event or merge: MoneyLog its times, stream, channel and money or merge; a restatement its id and type. */
export type MoneyEvent = Pick<RecordedEvent, 'globalPosition' | 'streamId' | 'eventId' | 'type' | 'channel' | 'occurredAt' | 'recordedAt'> & { readonly data: unknown };

/** Of a money event's data, what MoneyLog reads: the amount and cost, or the merge's two ids. */
interface MoneyData {
  readonly amount?: unknown;
  readonly cost?: unknown;
  readonly survivorId?: string;
  readonly mergedId?: string;
}

/**
 * A money event or merge with only what the equity series reads of it: what a reader keeps of events
 * it adds later. A decoded event holds its whole envelope and data: the equity tracker's first start
 * on the bench's million-event ledger held ~190 MB of them until its first series was computed.
 */
export const moneyEventOf = (event: RecordedEvent): MoneyEvent => {
  const data = event.data as MoneyData;
  return {
    globalPosition: event.globalPosition,
    streamId: event.streamId,
    eventId: event.eventId,
    type: event.type,
    channel: event.channel,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    data: event.type === 'CustomersMerged' ? { survivorId: data.survivorId!, mergedId: data.mergedId! } : data.cost === undefined ? { amount: data.amount } : { amount: data.amount, cost: data.cost },
  };
};

/** A merge as the log holds it. */
export interface MoneyMerge extends MergeRecord {
  /** When it happened and when it was recorded, epoch ms. */
  readonly at: number;
  readonly recordedMs: number;
}

const major = (money: unknown): number => {
  const { minor, currency } = money as { minor: number; currency: string };
  return minor / 10 ** minorUnitDigits(currency);
};

/** An index of names: each name's number, the first time it is seen the next one. */
class Names {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      this.index.set(name, (i = this.list.length));
      this.list.push(name);
    }
    return i;
  }
  find(name: string): number | undefined {
    return this.index.get(name);
  }
}

/**
 * The log's money events (in major units of the reporting currency, under the customer whose
 * stream each is on) and merges, in log order, in memory: any cut of them (by valid time,
 * transaction time or position) without reading the log again. What a reader that follows the
 * log (the equity tracker) keeps, adding each event as it comes. Held in columns: about 110 bytes
 * a movement.
 */
export class MoneyLog {
  private readonly customers = new Names();
  private readonly channels = new Names();
  private readonly kind: number[] = [];
  private readonly customer: number[] = [];
  private readonly channel: number[] = [];
  private readonly amount: number[] = [];
  /** NaN where the purchase gives no cost. */
  private readonly cost: number[] = [];
  /** When each movement happened and was recorded (epoch ms), and its log position. */
  readonly at: number[] = [];
  readonly recordedAt: number[] = [];
  readonly positions: number[] = [];
  readonly merges: MoneyMerge[] = [];
  /** Every money event up to this log position is here; events at or before it are ignored (a batch given again after a failure). */
  position = 0;
  /** The transaction time of the last event added (epoch ms). */
  private lastRecordedAt = Number.NEGATIVE_INFINITY;
  /** Every money event recorded at or before this instant (epoch ms) is here. */
  knownThrough = Number.NEGATIVE_INFINITY;

  /** The number of movements. */
  get length(): number {
    return this.at.length;
  }

  /** Adds the next event of the log (money events and merges on customers' streams; any other is passed over). */
  add(event: MoneyEvent): void {
    if (event.globalPosition <= this.position) return;
    this.position = event.globalPosition;
    this.lastRecordedAt = Date.parse(event.recordedAt);
    // recordedAt never decreases along the log: whatever was recorded before this one came before it.
    this.knownThrough = Math.max(this.knownThrough, this.lastRecordedAt - 1);
    if (!event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return;
    const at = Date.parse(event.occurredAt);
    if (event.type === 'CustomersMerged') {
      const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
      this.merges.push({ survivorId, mergedId, globalPosition: event.globalPosition, occurredAt: event.occurredAt, recordedAt: event.recordedAt, at, recordedMs: this.lastRecordedAt });
      return;
    }
    const kind = KINDS[event.type];
    if (kind === undefined) return;
    const data = event.data as { amount: unknown; cost?: unknown };
    this.kind.push(kind);
    this.customer.push(this.customers.of(event.streamId.slice(CUSTOMER_STREAM_PREFIX.length)));
    this.channel.push(this.channels.of(event.channel));
    this.amount.push(major(data.amount));
    this.cost.push(data.cost === undefined ? Number.NaN : major(data.cost));
    this.at.push(at);
    this.recordedAt.push(this.lastRecordedAt);
    this.positions.push(event.globalPosition);
  }

  /** Every money event up to this position has been added (a reader caught up to it). */
  caughtUpTo(position: number): void {
    this.position = Math.max(this.position, position);
  }

  /** Every money event recorded at or before this instant has been added (a read went past it). */
  readPast(knownAt: number): void {
    this.knownThrough = Math.max(this.knownThrough, knownAt);
  }

  /** Whether every event of a cut is here: every event up to its position, or recorded by its instant. */
  covers(cut: { readonly through: number } | { readonly knownAt: Date }): boolean {
    return 'through' in cut ? cut.through <= this.position : cut.knownAt.getTime() <= this.knownThrough;
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
    // Each customer's number in the cut: a merged customer's is the survivor's.
    const names = this.customers;
    const canonical = Int32Array.from({ length: names.list.length }, (_, i) => i);
    if (this.merges.length > 0) for (let i = 0; i < canonical.length; i++) canonical[i] = names.of(merges.canonical(names.list[i]!));
    // Log order: the movements in the cut come first.
    let end = 0;
    while (end < this.length && inCut(this.recordedAt[end]!, this.positions[end]!)) end++;
    let purchaseCount = 0;
    let cashCount = 0;
    for (let i = 0; i < end; i++) {
      if (this.at[i]! > asOf) continue;
      cashCount++;
      if (this.kind[i] === PURCHASE) purchaseCount++;
    }
    const columns: MoneyColumns = {
      customers: names.list.slice(),
      channels: this.channels.list.slice(),
      purchaseCustomer: new Int32Array(purchaseCount),
      purchaseAt: new Float64Array(purchaseCount),
      purchaseValue: new Float64Array(purchaseCount),
      purchaseChannel: new Int32Array(purchaseCount),
      cashCustomer: new Int32Array(cashCount),
      cashAt: new Float64Array(cashCount),
      cashAmount: new Float64Array(cashCount),
    };
    let p = 0;
    let c = 0;
    let firstPurchaseAt = Number.POSITIVE_INFINITY;
    for (let i = 0; i < end; i++) {
      const at = this.at[i]!;
      if (at > asOf) continue;
      const customer = canonical[this.customer[i]!]!;
      const amount = this.amount[i]!;
      columns.cashCustomer[c] = customer;
      columns.cashAt[c] = at;
      if (this.kind[i] === PURCHASE) {
        const cost = this.cost[i]!;
        columns.cashAmount[c] = Number.isNaN(cost) ? amount : amount - cost;
        columns.purchaseCustomer[p] = customer;
        columns.purchaseAt[p] = at;
        columns.purchaseValue[p] = amount;
        columns.purchaseChannel[p] = this.channel[i]!;
        if (at < firstPurchaseAt) firstPurchaseAt = at;
        p++;
      } else {
        columns.cashAmount[c] = -amount;
      }
      c++;
    }
    return moneyOf(columns, firstPurchaseAt, (customerId) => merges.canonical(customerId));
  }
}

/** A cut's money from its columns; the objects are made when first read. */
const moneyOf = (columns: MoneyColumns, firstPurchaseAt: number, canonicalOf: (customerId: string) => string): LedgerMoney => {
  let objects: ReturnType<typeof unpackMoney> | undefined;
  return {
    columns,
    firstPurchaseAt,
    canonicalOf,
    get purchases() {
      return (objects ??= unpackMoney(columns)).purchases;
    },
    get cash() {
      return (objects ??= unpackMoney(columns)).cash;
    },
    firstMovementOf(customerIds) {
      const wanted = new Set<number>();
      for (const id of customerIds) {
        const i = columns.customers.indexOf(id);
        if (i !== -1) wanted.add(i);
      }
      let first = Number.POSITIVE_INFINITY;
      for (let i = 0; i < columns.cashAt.length; i++) if (columns.cashAt[i]! < first && wanted.has(columns.cashCustomer[i]!)) first = columns.cashAt[i]!;
      return first;
    },
  };
};

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
  reading: for await (const page of store.readAll({ types: [...MONEY_EVENT_TYPES], openPersonalData: NO_PERSONAL_DATA, pageSize: 2048 }).pages()) {
    for (const event of page) {
      if (!inCut(Date.parse(event.recordedAt), event.globalPosition)) {
        // recordedAt never decreases along the log: nothing recorded by the cut's instant comes after this one.
        if (cut.knownAt && Date.parse(event.recordedAt) > cut.knownAt.getTime()) log.readPast(cut.knownAt.getTime());
        break reading;
      }
      log.add(event);
    }
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
