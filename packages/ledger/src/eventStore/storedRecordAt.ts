import type { EventStore, StoredRecord } from './types.ts';

/** The stored record at a position (from 1), or undefined past the head: one indexed read, not a pass over the log. */
export const storedRecordAt = async (store: EventStore, position: number): Promise<StoredRecord | undefined> => {
  for await (const record of store.readStoredRecords({ fromPosition: position, pageSize: 1 })) return record.globalPosition === position ? record : undefined;
  return undefined;
};
