import { describe, expect, it } from 'vitest';
import { createContract } from './contract.ts';
import { EventsErrorCode, type ContractViolationError } from './errors.ts';
import { uuidv7 } from './ids.ts';
import { upcast } from './upcasters.ts';

const contract = createContract({ reportingCurrency: 'EUR' });

const purchase = (overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  eventId: uuidv7(),
  type: 'PurchaseMade',
  schemaVersion: 2,
  customer: { kind: 'loyaltyCard', value: 'LC-1' },
  channel: 'store',
  source: 'pos-01',
  occurredAt: '2025-03-01T10:00:00+01:00',
  data: { orderId: 'o-1', amount: { minor: 1999, currency: 'EUR' }, ...data },
  ...overrides,
});

const violation = (input: unknown): ContractViolationError => {
  try {
    contract.parse(input);
  } catch (error) {
    return error as ContractViolationError;
  }
  throw new Error('expected a contract violation');
};

describe('the event contract', () => {
  it('accepts a valid event and returns it typed', () => {
    const event = contract.parse(purchase());
    expect(event.type).toBe('PurchaseMade');
    expect(event.customer).toEqual({ kind: 'loyaltyCard', value: 'LC-1' });
  });

  it('names the field path and the event id of each problem', () => {
    const input = purchase({ channel: 'fax', occurredAt: '2025-03-01T10:00:00' }, { amount: { minor: -5, currency: 'EUR' } });
    const error = violation(input);
    expect(error.code).toBe(EventsErrorCode.invalidEvent);
    expect(error.eventId).toBe(input.eventId);
    expect(error.issues.map((i) => i.path).sort()).toEqual(['channel', 'data.amount.minor', 'occurredAt']);
    expect(error.message).toContain(input.eventId);
  });

  it('requires an explicit offset on valid time', () => {
    expect(violation(purchase({ occurredAt: '2025-03-01 10:00' })).issues[0]!.path).toBe('occurredAt');
    expect(contract.parse(purchase({ occurredAt: '2025-03-01T09:00:00.123Z' })).occurredAt).toBe('2025-03-01T09:00:00.123Z');
  });

  it('refuses unknown fields instead of dropping them', () => {
    const error = violation(purchase({}, { discountCode: 'X' }));
    expect(error.issues[0]).toMatchObject({ path: 'data', message: expect.stringContaining('discountCode') });
  });

  it('refuses fields only the ledger may set', () => {
    const error = violation(purchase({ recordedAt: '2025-01-01T00:00:00Z', globalPosition: 4 }));
    expect(error.code).toBe(EventsErrorCode.ledgerFieldSet);
    expect(error.issues.map((i) => i.path)).toEqual(['recordedAt', 'globalPosition']);
  });

  it('refuses an unknown type and an unsupported schema version, listing what is known', () => {
    const unknown = violation(purchase({ type: 'PurchaseMad' }));
    expect(unknown.code).toBe(EventsErrorCode.unknownType);
    expect(unknown.issues[0]!.message).toContain('PurchaseMade');
    const version = violation(purchase({ schemaVersion: 3 }));
    expect(version.code).toBe(EventsErrorCode.unsupportedVersion);
    expect(version.issues[0]).toMatchObject({ path: 'schemaVersion', message: expect.stringContaining('supported: 1, 2') });
  });

  it('refuses money in another currency than the reporting one, and codes that are not ISO 4217', () => {
    const foreign = violation(purchase({}, { amount: { minor: 100, currency: 'USD' }, cost: { minor: 50, currency: 'GBP' } }));
    expect(foreign.code).toBe(EventsErrorCode.currencyNotReporting);
    expect(foreign.issues.map((i) => i.path)).toEqual(['data.amount.currency', 'data.cost.currency']);
    expect(violation(purchase({}, { amount: { minor: 100, currency: 'XYZ' } })).issues[0]!.message).toContain('ISO 4217');
    expect(violation(purchase({}, { amount: { minor: 1.5, currency: 'EUR' } })).issues[0]!.path).toBe('data.amount.minor');
  });

  it('refuses a reporting currency that is not ISO 4217', () => {
    expect(() => createContract({ reportingCurrency: 'EURO' })).toThrow(/ISO 4217/);
  });

  it('refuses the nil UUID and ids that are not UUIDs', () => {
    expect(violation(purchase({ eventId: '00000000-0000-0000-0000-000000000000' })).issues[0]!.path).toBe('eventId');
    expect(violation(purchase({ eventId: 'order-17' })).issues[0]!.path).toBe('eventId');
  });

  it('refuses a customer reference of an unknown kind, and a customer id with unsafe characters', () => {
    expect(violation(purchase({ customer: { kind: 'twitter', value: '@x' } })).issues[0]!.path).toBe('customer.kind');
    expect(violation(purchase({ customer: { kind: 'customerId', value: 'a/../b' } })).issues[0]!.path).toBe('customer.value');
  });

  it('says so when the event is not an object', () => {
    expect(violation([1, 2]).issues[0]!.message).toBe('an event must be a JSON object');
    expect(violation(null).code).toBe(EventsErrorCode.invalidEvent);
  });
});

describe('schema evolution: PurchaseMade v1 → v2', () => {
  const v1 = (amount: number, currency: string) =>
    contract.parse({ ...purchase(), schemaVersion: 1, data: { orderId: 'o-9', amount, currency } });

  it('accepts v1 from producers that still send it', () => {
    expect(v1(19.99, 'EUR').schemaVersion).toBe(1);
  });

  it('upcasts decimal major units to integer minor units of the currency', () => {
    expect(upcast(v1(19.99, 'EUR'))).toMatchObject({ schemaVersion: 2, data: { orderId: 'o-9', amount: { minor: 1999, currency: 'EUR' } } });
    expect(upcast({ ...v1(0.1, 'EUR'), data: { orderId: 'o', amount: 1500, currency: 'JPY' } } as never)).toMatchObject({ data: { amount: { minor: 1500, currency: 'JPY' } } });
    expect(upcast({ ...v1(0.1, 'EUR'), data: { orderId: 'o', amount: 1.234, currency: 'BHD' } } as never)).toMatchObject({ data: { amount: { minor: 1234, currency: 'BHD' } } });
  });

  it('leaves current versions untouched', () => {
    const current = contract.parse(purchase());
    expect(upcast(current)).toBe(current);
  });

  it('still checks the reporting currency on v1', () => {
    expect(violation({ ...purchase(), schemaVersion: 1, data: { orderId: 'o', amount: 5, currency: 'USD' } }).code).toBe(EventsErrorCode.currencyNotReporting);
  });
});

describe('validated events', () => {
  it('remembers what this contract parsed, and nothing else', () => {
    const input = purchase();
    const parsed = contract.parse(input);
    expect(contract.validated(parsed)).toBe(true);
    expect(contract.validated(input)).toBe(false);
    expect(contract.validated({ ...parsed })).toBe(false);
    expect(createContract({ reportingCurrency: 'EUR' }).validated(parsed)).toBe(false);
  });
});
