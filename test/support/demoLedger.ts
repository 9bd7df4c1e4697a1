import { generateDemo } from '@roc-ledger/demo';
import { uuidv7, type EventInput } from '@roc-ledger/events';
import { Ingestor } from '@roc-ledger/ingest';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { contract } from './tempLedger.ts';

/**
 * Fills a store with a simulated history, ingested in arrival order with the ledger's clock at
 * each event's arrival (so late till uploads have late transaction times), then adds customers
 * who turn out to be one person: web visitors later shown to hold a loyalty card that a store
 * customer registered first, so that the ledger records CustomersMerged.
 */
/** The simulated clock: the store and the ingestor read it; loadDemo moves it. */
export interface SimClock {
  now: Date;
}

/** An in-memory store filled by loadDemo, with the simulated clock it reads (left at the last arrival). */
export const inMemoryDemo = async (options: Parameters<typeof loadDemo>[2]): Promise<{ clock: SimClock; store: EventStore }> => {
  const clock: SimClock = { now: new Date(0) };
  const store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, options);
  return { clock, store };
};

export const loadDemo = async (store: EventStore, clock: SimClock, options: { customers: number; years: number; seed: string; merges?: number }): Promise<void> => {
  const ingestor = await Ingestor.open({ store, contract, clock: () => clock.now });
  let last = 0;
  for (const { event, arrivesAt } of generateDemo({ customers: options.customers, years: options.years, seed: options.seed })) {
    last = Math.max(last, arrivesAt);
    clock.now = new Date(last);
    await ingestor.ingest(contract.parse(event));
  }
  for (let i = 0; i < (options.merges ?? 0); i++) {
    const at = (offsetMin: number) => new Date(last + (i * 10 + offsetMin) * 60_000).toISOString();
    const ingest = async (event: Omit<EventInput, 'eventId' | 'schemaVersion' | 'source'>, offsetMin: number) => {
      clock.now = new Date(last + (i * 10 + offsetMin) * 60_000 + 1000);
      await ingestor.ingest(contract.parse({ eventId: uuidv7(), schemaVersion: event.type === 'PurchaseMade' ? 2 : 1, source: 'merge-fixture', ...event, occurredAt: at(offsetMin) }));
    };
    const card = { kind: 'loyaltyCard', value: `MERGE-${options.seed}-${i}` } as const;
    const visitor = { kind: 'webVisitorId', value: `mv-${options.seed}-${i}` } as const;
    await ingest({ type: 'PurchaseMade', customer: card, channel: 'store', occurredAt: '', data: { orderId: `m-${i}-1`, amount: { minor: 1000 + i, currency: 'EUR' } } } as never, 0);
    await ingest({ type: 'OfferPresented', customer: visitor, channel: 'web', occurredAt: '', data: { offerId: `mo-${i}`, campaign: 'merge' } } as never, 1);
    await ingest({ type: 'PurchaseMade', customer: visitor, channel: 'web', occurredAt: '', data: { orderId: `m-${i}-2`, amount: { minor: 500, currency: 'EUR' } } } as never, 2);
    // The visitor logs in with the card: two customers are one person.
    await ingest({ type: 'IdentifierLinked', customer: visitor, channel: 'web', occurredAt: '', data: { identifier: card, verified: true } } as never, 3);
    await ingest({ type: 'OfferAccepted', customer: card, channel: 'store', occurredAt: '', data: { offerId: `mo-${i}` } } as never, 4);
  }
};
