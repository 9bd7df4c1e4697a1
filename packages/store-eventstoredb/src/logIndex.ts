import { GENESIS_HASH, StoreCorruptError, type LogHead, type StoredRecord } from '@roc-ledger/ledger';

/**
 * What a writer must know of the whole log to decide an append at once: the head, each stream's
 * events and every event id. EventStoreDB has no lookup by event id and cannot check two streams
 * in one append, so each process keeps this index, built by reading the log and kept current
 * from every append it sees; the log's expected revision makes a decision on a stale index fail
 * and be taken again. Memory: about 100 bytes an event.
 */
export class LogIndex {
  private headPosition = 0;
  private headHash = GENESIS_HASH;
  private headRecordedAt: string | null = null;
  private readonly positionsByStream = new Map<string, number[]>();
  private readonly positionById = new Map<string, number>();

  get position(): number {
    return this.headPosition;
  }

  head(): LogHead {
    return { position: this.headPosition, hash: this.headHash, recordedAt: this.headRecordedAt };
  }

  /** Revision of the stream's last event, or -1. */
  streamRevision(streamId: string): number {
    return (this.positionsByStream.get(streamId)?.length ?? 0) - 1;
  }

  /** Global positions of the stream's events, by revision. */
  positionsOf(streamId: string): readonly number[] {
    return this.positionsByStream.get(streamId) ?? [];
  }

  positionOfEvent(eventId: string): number | undefined {
    return this.positionById.get(eventId);
  }

  /** Takes in the log's next records, which must follow the head without a gap. */
  apply(records: readonly StoredRecord[]): void {
    for (const record of records) {
      if (record.globalPosition !== this.headPosition + 1) {
        throw new StoreCorruptError(`log index: expected position ${this.headPosition + 1}, read ${record.globalPosition}`);
      }
      const positions = this.positionsByStream.get(record.streamId) ?? [];
      if (record.streamRevision !== positions.length) {
        throw new StoreCorruptError(`log position ${record.globalPosition}: stream ${record.streamId} revision ${record.streamRevision} follows ${positions.length - 1}`);
      }
      positions.push(record.globalPosition);
      this.positionsByStream.set(record.streamId, positions);
      this.positionById.set(record.eventId, record.globalPosition);
      this.headPosition = record.globalPosition;
      this.headHash = record.hash;
      this.headRecordedAt = record.recordedAt;
    }
  }
}
