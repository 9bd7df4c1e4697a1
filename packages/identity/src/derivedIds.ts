import { createHash } from 'node:crypto';

/**
 * A UUID (version 8, RFC 9562) derived from a seed: events and customers the ledger creates in
 * response to an event get ids that a retry of that event derives again, so retries stay idempotent.
 */
export const derivedUuid = (seed: string): string => {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes[6] = 0x80 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
