import type { AnyVersionEventInput } from '@roc-ledger/events';
import { appendInTransaction, type AppendResult, type AppendTransaction, type ExpectedRevision, type StoredRecord } from '@roc-ledger/ledger';
import type { LogIndex } from './logIndex.ts';

export interface QueuedAppend {
  readonly streamId: string;
  readonly events: readonly AnyVersionEventInput[];
  readonly expected: ExpectedRevision;
}

export type Decision = { readonly result: AppendResult; readonly records: readonly StoredRecord[] } | { readonly error: unknown };

export interface DecidedGroup {
  /** One per append taken into the group, in order. */
  readonly decisions: readonly Decision[];
  /** What the group adds to the log, in order, starting right after the index's head. */
  readonly records: readonly StoredRecord[];
}

/**
 * Decides queued appends in order against the index and what the appends before them in the
 * group add, as if each ran in its own transaction: a refused append (wrong expected revision,
 * conflicting id) is refused alone. It takes no append that would bring the group over
 * `maxBytes`, so one append to the log stays under the server's size limit; the first append is
 * always taken (alone too large, the server refuses it on its own). `stored` holds the log's records of any event id the index knows.
 */
export const decideGroup = (
  index: LogIndex,
  stored: ReadonlyMap<string, StoredRecord>,
  queue: readonly QueuedAppend[],
  now: Date,
  maxBytes: number,
): DecidedGroup => {
  const records: StoredRecord[] = [];
  const byId = new Map<string, StoredRecord>();
  const added = new Map<string, number>();
  let bytes = 0;
  const tx: AppendTransaction = {
    head: () => {
      const last = records.at(-1);
      return last ? { position: last.globalPosition, hash: last.hash, recordedAt: last.recordedAt } : index.head();
    },
    streamRevision: (streamId) => index.streamRevision(streamId) + (added.get(streamId) ?? 0),
    findByEventId: (eventId) => stored.get(eventId) ?? byId.get(eventId),
    insertAll: (inserted) => {
      if (inserted.some((r) => index.positionOfEvent(r.eventId) !== undefined || byId.has(r.eventId))) return 'duplicate-event-id';
      for (const record of inserted) {
        records.push(record);
        byId.set(record.eventId, record);
        added.set(record.streamId, (added.get(record.streamId) ?? 0) + 1);
        // The body, and a margin for the metadata and the event's framing.
        bytes += record.body.length + 200;
      }
      return 'inserted';
    },
  };
  const decisions: Decision[] = [];
  for (const append of queue) {
    const before = { count: records.length, bytes };
    let decision: Decision;
    try {
      const result = appendInTransaction(tx, append.streamId, append.events, append.expected, now);
      decision = { result, records: records.slice(before.count) };
    } catch (error) {
      decision = { error };
    }
    if (decisions.length > 0 && bytes > maxBytes) {
      // Too much for one append to the log: this one waits for the next group.
      for (const record of records.splice(before.count)) {
        byId.delete(record.eventId);
        added.set(record.streamId, added.get(record.streamId)! - 1);
      }
      bytes = before.bytes;
      break;
    }
    decisions.push(decision);
  }
  return { decisions, records };
};
