import { z } from 'zod';

/** Fields holding personal data carry this marker; the privacy layer encrypts them. */
export const personal = <T extends z.ZodType>(schema: T): T => schema.meta({ personalData: true });

/** What a personal value reads as once its customer's keys were destroyed (see packages/privacy). */
export const ERASED_VALUE = '[erased]';

/** What a personal value reads as to a projection that did not declare it needs that event type's (see packages/projections). */
export const WITHHELD_VALUE = '[withheld]';

export const personalText = (max = 2000) => personal(z.string().min(1).max(max));

export const CHANNELS = ['web', 'phone', 'store', 'email', 'app', 'partner', 'system'] as const;
export const Channel = z.enum(CHANNELS).describe('Channel through which the interaction happened.');
export type Channel = z.infer<typeof Channel>;

export const IDENTIFIER_KINDS = ['email', 'phone', 'loyaltyCard', 'webVisitorId'] as const;
export const IdentifierKind = z.enum(IDENTIFIER_KINDS);
export type IdentifierKind = z.infer<typeof IdentifierKind>;

/** Ledger-wide customer ids: opaque, URL- and stream-name-safe. */
export const CustomerId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'customer id: 1-128 of A-Z a-z 0-9 . _ : -, starting alphanumeric');

export const Identifier = z.strictObject({
  kind: IdentifierKind,
  value: personal(z.string().min(1).max(320)),
});
export type Identifier = z.infer<typeof Identifier>;

/** How the producer names the customer: the ledger's customer id, or one identifier it knows. */
export const CustomerRef = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('customerId'), value: CustomerId }),
  Identifier,
]);
export type CustomerRef = z.infer<typeof CustomerRef>;

/** Valid time: ISO-8601 with an explicit offset (Z or ±hh:mm). */
export const Timestamp = z.iso.datetime({ offset: true });

export const BusinessId = z.string().min(1).max(128);

const knownCurrencies = new Set<string>(Intl.supportedValuesOf('currency'));
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'ISO 4217 code, three capital letters')
  .refine((code) => knownCurrencies.has(code), { message: 'not an ISO 4217 currency code' });

/**
 * Money in integer minor units (cents for EUR, yen for JPY). `currency` appears nowhere
 * in the catalogue except inside Money: the reporting-currency check relies on that.
 */
export const Money = z.strictObject({
  minor: z.int().nonnegative(),
  currency: CurrencyCode,
});
export type Money = z.infer<typeof Money>;

const digitsByCurrency = new Map<string, number>();

/** Digits after the decimal point for a currency's minor unit (2 for EUR, 0 for JPY); remembered, as building an Intl formatter costs microseconds on every money amount upcast. */
export const minorUnitDigits = (currency: string): number => {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
};

/** An event is a late arrival when the ledger learned it more than this after it happened. */
export const LATE_ARRIVAL_MS = 86_400_000;
export const isLateArrival = (event: { readonly occurredAt: string; readonly recordedAt: string }): boolean => Date.parse(event.recordedAt) - Date.parse(event.occurredAt) > LATE_ARRIVAL_MS;
