import { IdentifierKind, type CustomerRef } from '@roc-ledger/events';

/** A customer reference as people type it: `C0000042`, or `<email|phone|loyaltyCard|webVisitorId>:<value>`. */
export const parseCustomerRef = (text: string): CustomerRef => {
  const colon = text.indexOf(':');
  const kind = IdentifierKind.safeParse(colon > 0 ? text.slice(0, colon) : '');
  return kind.success ? { kind: kind.data, value: text.slice(colon + 1) } : { kind: 'customerId', value: text };
};
