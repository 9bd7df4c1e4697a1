import type { AnyVersionEventInput } from '@roc-ledger/events';
import type { PageSource } from './paging.ts';
import type { RecordedEvent } from './types.ts';

/**
 * The port through which a store keeps personal data sealed at rest (packages/privacy implements
 * it). The store hashes and keeps only what `seal` returns, so integrity covers the ciphertext.
 */
export interface PersonalDataGuard {
  /**
   * The validated events about to be appended to the stream, with their personal values sealed.
   * Deterministic (the same event seals to the same bytes), so idempotent retries compare equal.
   * Throws (a retriable error) when the keys cannot be reached: nothing is stored then.
   */
  seal(streamId: string, events: readonly AnyVersionEventInput[]): Promise<AnyVersionEventInput[]>;
  /** Decoded events with their personal values opened; values whose key was destroyed read as erased. */
  open(events: readonly RecordedEvent[]): Promise<RecordedEvent[]>;
}

/** A page source whose events come out opened. */
export const openingSource = (source: PageSource, guard: PersonalDataGuard | undefined): PageSource =>
  guard
    ? {
        ...source,
        readPage: async (after, limit, filter) => guard.open(await source.readPage(after, limit, filter)),
      }
    : source;

export const sealAppend = async (guard: PersonalDataGuard | undefined, streamId: string, events: AnyVersionEventInput[]): Promise<AnyVersionEventInput[]> =>
  guard ? guard.seal(streamId, events) : events;

export const openEvents = async (guard: PersonalDataGuard | undefined, events: RecordedEvent[]): Promise<RecordedEvent[]> =>
  guard ? guard.open(events) : events;
