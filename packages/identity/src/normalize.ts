import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Identifier, IdentifierKind } from '@roc-ledger/events';
import { IdentifierRefusedError, IdentityErrorCode } from './errors.ts';

export interface NormalizationConfig {
  /** E-mail domains whose provider ignores dots in the local part (ana.b@gmail.com is anab@gmail.com). */
  readonly emailDotInsensitiveDomains: readonly string[];
  /** Drop "+tag" from e-mail local parts (ana+shop@x.com is ana@x.com). */
  readonly emailStripPlusTags: boolean;
  /** Country assumed for phone numbers written without an international prefix. */
  readonly defaultPhoneCountry: CountryCode;
  /** Values, compared case-insensitively after trimming, that never name a person. */
  readonly junkValues: readonly string[];
}

export const DEFAULT_NORMALIZATION: NormalizationConfig = {
  emailDotInsensitiveDomains: ['gmail.com', 'googlemail.com'],
  emailStripPlusTags: false,
  defaultPhoneCountry: 'DE',
  junkValues: ['', 'null', 'undefined', 'none', 'n/a', 'na', 'unknown', 'anonymous', 'anon', 'guest', 'test', '-', 'noemail@example.com'],
};

const refuse = (path: string, message: string, code: (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode] = IdentityErrorCode.junkIdentifier): never => {
  throw new IdentifierRefusedError(code, path, message);
};

/** All zeros (or all one repeated digit) once separators are gone: a placeholder, not an identifier. */
const isPlaceholder = (value: string): boolean => {
  const alnum = value.replace(/[^0-9a-z]/gi, '');
  return alnum.length > 0 && /^0+$/.test(alnum);
};

/** Phone spellings remembered per normalizer, at most; past it the memo starts again. */
const PHONE_MEMO_SIZE = 50_000;

export type Normalizer = (identifier: Identifier, path: string) => Identifier;

/**
 * The one canonical spelling of an identifier, or IdentifierRefusedError for junk. Pure and
 * deterministic: the resolver applies it both at ingestion and when rebuilding from the log.
 */
export const createNormalizer = (config: NormalizationConfig = DEFAULT_NORMALIZATION): Normalizer => {
  const junk = new Set(config.junkValues.map((v) => v.trim().toLowerCase()));
  const dotless = new Set(config.emailDotInsensitiveDomains.map((d) => d.toLowerCase()));
  // Parsing a phone number is the costliest step (4 % of the Kafka path's thread): each spelling is parsed once.
  const phones = new Map<string, string | null>();

  const byKind: Record<IdentifierKind, (value: string, path: string) => string> = {
    email: (value, path) => {
      const at = value.lastIndexOf('@');
      if (at <= 0 || at === value.length - 1) refuse(path, 'not an e-mail address');
      const domain = value.slice(at + 1).toLowerCase();
      let local = value.slice(0, at).toLowerCase();
      if (config.emailStripPlusTags) local = local.split('+')[0]!;
      if (dotless.has(domain)) local = local.replaceAll('.', '');
      if (!local) refuse(path, 'not an e-mail address');
      return `${local}@${domain}`;
    },
    phone: (value, path) => {
      let e164 = phones.get(value);
      if (e164 === undefined) {
        const phone = parsePhoneNumberFromString(value, config.defaultPhoneCountry);
        e164 = phone?.isPossible() ? phone.number : null;
        if (phones.size >= PHONE_MEMO_SIZE) phones.clear();
        phones.set(value, e164);
      }
      if (e164 === null) refuse(path, `not a possible phone number (default country ${config.defaultPhoneCountry})`, IdentityErrorCode.invalidPhone);
      return e164!;
    },
    loyaltyCard: (value) => value.replace(/[\s-]/g, '').toUpperCase(),
    webVisitorId: (value) => value,
  };

  return (identifier, path) => {
    const trimmed = identifier.value.trim();
    if (junk.has(trimmed.toLowerCase()) || isPlaceholder(trimmed)) refuse(path, `${JSON.stringify(identifier.value)} is a placeholder, not a ${identifier.kind}`);
    const value = byKind[identifier.kind](trimmed, path);
    if (junk.has(value.toLowerCase()) || isPlaceholder(value)) refuse(path, `${JSON.stringify(identifier.value)} is a placeholder, not a ${identifier.kind}`);
    return { kind: identifier.kind, value };
  };
};

export const identifierKey = (identifier: Identifier): string => `${identifier.kind}:${identifier.value}`;
