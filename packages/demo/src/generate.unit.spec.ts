import { createHash } from 'node:crypto';
import { createContract, EVENT_TYPES } from '@roc-ledger/events';
import { describe, expect, it } from 'vitest';
import { generateDemo } from './generate.ts';

const digest = (options: Parameters<typeof generateDemo>[0]) => {
  const hash = createHash('sha256');
  for (const { event, arrivesAt } of generateDemo(options)) hash.update(`${JSON.stringify(event)}@${arrivesAt}\n`);
  return hash.digest('hex');
};

describe('demo generator', () => {
  const events = [...generateDemo({ customers: 300, years: 3, seed: 7 })];

  it('is deterministic: the same options give the same bytes, another seed other bytes', () => {
    expect(digest({ customers: 40, years: 1, seed: 'x' })).toBe(digest({ customers: 40, years: 1, seed: 'x' }));
    expect(digest({ customers: 40, years: 1, seed: 'x' })).not.toBe(digest({ customers: 40, years: 1, seed: 'y' }));
  });

  it('yields only events the contract accepts, with unique ids, in arrival order', () => {
    const contract = createContract({ reportingCurrency: 'EUR' });
    for (const { event } of events) contract.parse(event);
    expect(new Set(events.map((g) => g.event.eventId)).size).toBe(events.length);
    expect(events.every((g, i) => i === 0 || g.arrivesAt >= events[i - 1]!.arrivesAt)).toBe(true);
  });

  it('gives every amount in the currency asked for, the same numbers of minor units, so that a ledger reporting in it takes them all', () => {
    const inYen = [...generateDemo({ customers: 300, years: 3, seed: 7, currency: 'JPY' })];
    const yen = createContract({ reportingCurrency: 'JPY' });
    for (const { event } of inYen) yen.parse(event);
    expect(inYen.length).toBe(events.length);
    const moneyOf = (list: typeof events) => list.flatMap(({ event }) => ('amount' in event.data ? [event.data.amount as unknown] : []));
    const euros = moneyOf(events);
    const yenAmounts = moneyOf(inYen);
    expect(yenAmounts.length).toBeGreaterThan(100);
    // v2 amounts keep their minor units; a legacy till's v1 decimal is whole yen (the yen has no minor unit).
    yenAmounts.forEach((amount, i) => {
      const euro = euros[i];
      if (typeof amount === 'number') expect(amount).toBe(Math.round((euro as number) * 100));
      else expect(amount).toEqual({ ...(euro as object), currency: 'JPY' });
    });
    expect(yenAmounts.some((amount) => typeof amount === 'number')).toBe(true);
    expect(digest({ customers: 40, years: 1, seed: 'x', currency: 'EUR' })).toBe(digest({ customers: 40, years: 1, seed: 'x' }));
  });

  it('covers the catalogue, except merges and erasures, which the ledger records itself', () => {
    const seen = new Set(events.map((g) => g.event.type));
    expect(EVENT_TYPES.filter((t) => !seen.has(t))).toEqual(['CustomersMerged', 'CustomerErased']);
  });

  it('has late store uploads, several identifier kinds, legacy v1 purchases and all channels but partner', () => {
    const late = events.filter((g) => g.arrivesAt - Date.parse(g.event.occurredAt) > 86_400_000);
    expect(late.length).toBeGreaterThan(50);
    expect(late.every((g) => g.event.channel === 'store')).toBe(true);
    expect(new Set(events.map((g) => g.event.customer.kind))).toEqual(new Set(['customerId', 'email', 'phone', 'loyaltyCard', 'webVisitorId']));
    expect(events.some((g) => g.event.type === 'PurchaseMade' && g.event.schemaVersion === 1)).toBe(true);
    expect(new Set(events.map((g) => g.event.channel))).toEqual(new Set(['web', 'phone', 'store', 'email', 'app', 'system']));
  });

  it('has bombarded customers, withdrawn consents, defections and purchases peaking in December', () => {
    const offersPerCustomer = new Map<string, number>();
    for (const { event } of events) if (event.type === 'OfferPresented') offersPerCustomer.set(event.customer.value, (offersPerCustomer.get(event.customer.value) ?? 0) + 1);
    expect(Math.max(...offersPerCustomer.values())).toBeGreaterThan(100);
    expect(events.filter((g) => g.event.type === 'ConsentWithdrawn').length).toBeGreaterThan(10);
    expect(events.filter((g) => g.event.type === 'CustomerDefected').length).toBeGreaterThan(10);
    const byMonth = new Array(12).fill(0);
    for (const { event } of events) if (event.type === 'PurchaseMade') byMonth[new Date(event.occurredAt).getUTCMonth()]++;
    expect(byMonth[11]).toBeGreaterThan(byMonth[0] * 1.5);
  });
});
