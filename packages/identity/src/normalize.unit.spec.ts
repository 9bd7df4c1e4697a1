import { describe, expect, it } from 'vitest';
import { IdentityErrorCode } from './errors.ts';
import { createNormalizer, DEFAULT_NORMALIZATION } from './normalize.ts';

const normalize = createNormalizer();
const value = (kind: 'email' | 'phone' | 'loyaltyCard' | 'webVisitorId', v: string) => normalize({ kind, value: v }, 'customer.value').value;
const refusal = (kind: 'email' | 'phone' | 'loyaltyCard' | 'webVisitorId', v: string) => {
  try {
    normalize({ kind, value: v }, 'customer.value');
  } catch (error) {
    return error as { code: string; path: string; message: string };
  }
  throw new Error(`${v} was accepted`);
};

describe('identifier normalisation', () => {
  it('lower-cases e-mail and drops dots only where the provider ignores them', () => {
    expect(value('email', '  Ana.Berg@Example.COM ')).toBe('ana.berg@example.com');
    expect(value('email', 'Ana.Berg@GMail.com')).toBe('anaberg@gmail.com');
    expect(value('email', 'ana+shop@example.com')).toBe('ana+shop@example.com');
    const stripping = createNormalizer({ ...DEFAULT_NORMALIZATION, emailStripPlusTags: true, emailDotInsensitiveDomains: [] });
    expect(stripping({ kind: 'email', value: 'Ana.B+shop@gmail.com' }, 'x').value).toBe('ana.b@gmail.com');
  });

  it('writes phone numbers in E.164, assuming the configured country without a prefix', () => {
    expect(value('phone', '030 1234567')).toBe('+49301234567');
    expect(value('phone', '+49 (30) 123-4567')).toBe('+49301234567');
    expect(value('phone', '0044 20 7946 0958')).toBe('+442079460958');
    expect(refusal('phone', 'call me').code).toBe(IdentityErrorCode.invalidPhone);
  });

  it('answers a phone spelling seen before as the first time, refusals with the path asked about', () => {
    const memo = createNormalizer();
    for (let i = 0; i < 3; i++) expect(memo({ kind: 'phone', value: '030 1234567' }, 'a').value).toBe('+49301234567');
    for (const path of ['first.path', 'second.path']) {
      expect(() => memo({ kind: 'phone', value: '12' }, path)).toThrow(expect.objectContaining({ code: IdentityErrorCode.invalidPhone, path }));
    }
    // Another normalizer's country is its own, memo or not.
    const french = createNormalizer({ ...DEFAULT_NORMALIZATION, defaultPhoneCountry: 'FR' });
    expect(french({ kind: 'phone', value: '01 23 45 67 89' }, 'a').value).toBe('+33123456789');
    expect(memo({ kind: 'phone', value: '01 23 45 67 89' }, 'a').value).not.toBe('+33123456789');
  });

  it('spells loyalty cards one way and keeps web visitor ids as given', () => {
    expect(value('loyaltyCard', 'lc-0001 234')).toBe('LC0001234');
    expect(value('webVisitorId', 'wv-AbC')).toBe('wv-AbC');
  });

  it('refuses placeholders, naming the field', () => {
    for (const junk of ['', '   ', 'null', 'NULL', 'anonymous', 'n/a', '0000', '000-000']) {
      const error = refusal('loyaltyCard', junk);
      expect(error.code, junk).toBe(IdentityErrorCode.junkIdentifier);
      expect(error.path).toBe('customer.value');
    }
    expect(refusal('email', 'noemail@example.com').code).toBe(IdentityErrorCode.junkIdentifier);
    expect(refusal('email', 'not-an-address').code).toBe(IdentityErrorCode.junkIdentifier);
  });
});
