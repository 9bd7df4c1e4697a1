import { minorUnitDigits } from '@roc-ledger/events';
import { MergeMap } from '@roc-ledger/identity';
import { NO_PERSONAL_DATA, CUSTOMER_STREAM_PREFIX, type EventStore } from '@roc-ledger/ledger';
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
  /** The log position of the last money event (or merge) in the cut; 0 when there is none. */
  readonly lastPosition: number;
}

export const MONEY_EVENT_TYPES = ['PurchaseMade', 'RefundIssued', 'CostToServeRecorded', 'CustomersMerged'] as const;

/**
 * The ledger's money in a cut, in major units of the reporting currency, each movement under its
 * canonical customer (every merge within the cut followed, including merges recorded after it).
 */
export const moneyFromLedger = async (store: EventStore, cut: LedgerCut = {}): Promise<LedgerMoney> => {
  const asOf = cut.asOf?.getTime() ?? Number.POSITIVE_INFINITY;
  const knownAt = cut.knownAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const through = cut.through ?? Number.POSITIVE_INFINITY;
  const merges = new MergeMap();
  let lastPosition = 0;
  const raw: { type: string; eventId: string; customerId: string; at: number; channel: string; data: Record<string, unknown> }[] = [];
  for await (const event of store.readAll({ types: [...MONEY_EVENT_TYPES], openPersonalData: NO_PERSONAL_DATA, pageSize: 2048 })) {
    if (event.globalPosition > through || Date.parse(event.recordedAt) > knownAt) break; // recordedAt never decreases along the log
    lastPosition = event.globalPosition;
    const at = Date.parse(event.occurredAt);
    if (at > asOf || !event.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) continue;
    if (event.type === 'CustomersMerged') {
      const { survivorId, mergedId } = event.data as { survivorId: string; mergedId: string };
      merges.apply({ survivorId, mergedId, globalPosition: event.globalPosition, occurredAt: event.occurredAt, recordedAt: event.recordedAt });
    } else {
      raw.push({ type: event.type, eventId: event.eventId, customerId: event.streamId.slice(CUSTOMER_STREAM_PREFIX.length), at, channel: event.channel, data: event.data as Record<string, unknown> });
    }
  }
  const major = (money: unknown) => {
    const { minor, currency } = money as { minor: number; currency: string };
    return minor / 10 ** minorUnitDigits(currency);
  };
  const purchases: Purchase[] = [];
  const cash: CashMovement[] = [];
  for (const r of raw) {
    const customerId = merges.canonical(r.customerId);
    const amount = major(r.data.amount);
    if (r.type === 'PurchaseMade') {
      purchases.push({ customerId, at: r.at, value: amount, channel: r.channel });
      cash.push({ customerId, at: r.at, amount: r.data.cost === undefined ? amount : amount - major(r.data.cost), eventId: r.eventId });
    } else {
      cash.push({ customerId, at: r.at, amount: -amount, eventId: r.eventId });
    }
  }
  return { purchases, cash, canonicalOf: (customerId) => merges.canonical(customerId), lastPosition };
};

/** The ledger's purchases in a cut (see moneyFromLedger). */
export const purchasesFromLedger = async (store: EventStore, cut: LedgerCut = {}): Promise<Purchase[]> => (await moneyFromLedger(store, cut)).purchases;
