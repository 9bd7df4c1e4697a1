import { describe, expect, it } from 'vitest';
import { purchasesFromLedger } from '@roc-ledger/clv';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { contract } from '../support/tempLedger.ts';

describe("the ledger's purchases for the lifetime-value models", () => {
  it('counts every PurchaseMade once, in major units, under the customer merges within the cut make canonical', async () => {
    const clock: SimClock = { now: new Date(0) };
    const store = getInMemoryEventStore({ contract, clock: () => clock.now });
    await loadDemo(store, clock, { customers: 30, years: 1, seed: 'clv-ledger', merges: 3 });
    const all = await purchasesFromLedger(store);
    let stored = 0;
    let minor = 0;
    for await (const event of store.readAll({ types: ['PurchaseMade'] })) {
      stored++;
      minor += (event.data as { amount: { minor: number } }).amount.minor;
    }
    expect(all).toHaveLength(stored);
    expect(all.reduce((s, p) => s + p.value, 0)).toBeCloseTo(minor / 100, 6);

    const merges = [];
    for await (const event of store.readAll({ types: ['CustomersMerged'] })) merges.push(event);
    expect(merges).toHaveLength(3);
    for (const merge of merges) {
      const { survivorId, mergedId } = merge.data as { survivorId: string; mergedId: string };
      expect(all.filter((p) => p.customerId === mergedId)).toHaveLength(0);
      expect(all.filter((p) => p.customerId === survivorId)).toHaveLength(2);
      // Known before the merge was recorded, the two purchases belong to two customers.
      const before = await purchasesFromLedger(store, { knownAt: new Date(Date.parse(merge.recordedAt) - 1) });
      expect(before.filter((p) => p.customerId === survivorId)).toHaveLength(1);
      expect(before.filter((p) => p.customerId === mergedId)).toHaveLength(1);
    }
    const early = await purchasesFromLedger(store, { asOf: new Date('2023-06-30T23:59:59Z') });
    expect(early.length).toBeLessThan(all.length);
    expect(early.every((p) => p.at <= Date.parse('2023-06-30T23:59:59Z'))).toBe(true);
  });
});
