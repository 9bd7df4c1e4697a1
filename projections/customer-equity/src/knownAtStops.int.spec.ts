import { describe, expect, it } from 'vitest';
import { createContract } from '@roc-ledger/events';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { knownAtStops } from './knownAtStops.ts';

describe('knownAtStops', () => {
  it('gives the end of every month of transaction time from the first event to the month before the head, across a year end', async () => {
    let now = new Date('2024-11-15T10:00:00Z');
    const store = getInMemoryEventStore({ contract: createContract({ reportingCurrency: 'EUR' }), clock: () => now });
    expect(await knownAtStops(store)).toEqual([]);
    await store.append('customer-A', [interaction('A')]);
    expect(await knownAtStops(store)).toEqual([]); // the head's own month is "now"
    now = new Date('2025-02-03T08:00:00Z');
    await store.append('customer-A', [interaction('A')]);
    expect((await knownAtStops(store)).map((d) => d.toISOString())).toEqual(['2024-11-30T23:59:59.999Z', '2024-12-31T23:59:59.999Z', '2025-01-31T23:59:59.999Z']);
  });
});
