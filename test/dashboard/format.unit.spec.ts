import { afterEach, describe, expect, it } from 'vitest';
import { formatMinor, formatMoney, useCurrency } from '../../services/dashboard/public/format.ts';

// The pages' money format follows the ledger's reporting currency (GET /v1/ledger).
describe('the dashboard money format', () => {
  afterEach(() => useCurrency('EUR', 2));

  it('shows an amount in minor units to the minor unit, and a large figure in whole units, in euros by default', () => {
    expect(formatMinor(5848)).toBe('€58.48');
    expect(formatMinor(5800)).toBe('€58.00');
    expect(formatMoney(75731.81)).toBe('€75,732');
  });

  it('on a ledger reporting in yen, which has no minor unit, shows minor units as whole yen', () => {
    useCurrency('JPY', 0);
    expect(formatMinor(2500)).toBe('JP¥2,500');
    expect(formatMoney(75731.81)).toBe('JP¥75,732');
  });

  it('on a ledger reporting in Bahraini dinars, with three digits, divides by a thousand', () => {
    useCurrency('BHD', 3);
    expect(formatMinor(12345)).toBe('BHD\u00a012.345'); // Intl puts a no-break space after a currency code
  });
});
