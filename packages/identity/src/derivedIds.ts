import { createHash, createHmac } from 'node:crypto';

/** The first 16 bytes of a digest as a UUID, version 8 (RFC 9562: custom). */
const uuidOf = (digest: Buffer): string => {
  const bytes = digest.subarray(0, 16);
  bytes[6] = 0x80 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/**
 * A UUID (version 8, RFC 9562) derived from a seed: events and customers the ledger creates in
 * response to an event get ids that a retry of that event derives again, so retries stay idempotent.
 * Anyone can derive it again from the seed: never seed it with personal data (see keyedUuid).
 */
export const derivedUuid = (seed: string): string => uuidOf(createHash('sha256').update(seed).digest());

/**
 * A UUID derived from a seed under a secret key (HMAC-SHA256): the same for every process that
 * holds the key, and, without it, no clue to the seed. A customer's id derived from the e-mail
 * that first named them is one: an unkeyed hash of an e-mail address is found again by hashing
 * candidate addresses, and the id stays in the log after the customer's personal data is erased.
 */
export const keyedUuid = (key: Uint8Array, seed: string): string => uuidOf(createHmac('sha256', key).update(seed).digest());
