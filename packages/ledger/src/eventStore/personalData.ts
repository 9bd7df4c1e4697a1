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

/** A page source whose events come out opened: all of them, or those of the types the read asks for. */
export const openingSource = (source: PageSource, guard: PersonalDataGuard | undefined): PageSource =>
  guard
    ? {
        ...source,
        async readPage(after, limit, scope) {
          const page = await source.readPage(after, limit, scope);
          const only = scope.openPersonalData;
          if (!only) return guard.open(page);
          const wanted = (event: RecordedEvent) => only.includes(event.type);
          const opened = await guard.open(page.filter(wanted));
          if (opened.length === 0) return page;
          let next = 0;
          return page.map((event) => (wanted(event) ? opened[next++]! : event));
        },
      }
    : source;

export const sealAppend = async (guard: PersonalDataGuard | undefined, streamId: string, events: AnyVersionEventInput[]): Promise<AnyVersionEventInput[]> =>
  guard ? guard.seal(streamId, events) : events;

export const openEvents = async (guard: PersonalDataGuard | undefined, events: RecordedEvent[]): Promise<RecordedEvent[]> =>
  guard ? guard.open(events) : events;
