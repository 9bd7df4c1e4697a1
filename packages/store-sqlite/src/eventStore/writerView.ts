import type { LogHead, StoredRecord } from '@roc-ledger/ledger';

/** Streams whose revisions are kept between transactions, at most; past it the map starts again. */
const MAX_KNOWN_STREAMS = 200_000;

/**
 * What the writing connection knows of the log, so that an append need not ask SQLite for the
 * head and its stream's revision each time (two queries per single-event append, ~8 % of the
 * Kafka path's thread). Inside a transaction (the write lock held) the head is read once at BEGIN
 * and then moved along by this connection's own inserts. Revisions looked up or written are kept
 * from one transaction to the next only while nobody else wrote in between: a head at BEGIN other
 * than the one this connection last committed (another process appended) forgets them all.
 */
export class WriterView {
  private head: LogHead | undefined;
  private committedHead: LogHead | undefined;
  private readonly known = new Map<string, number>();
  /** Written in the open transaction: kept only if it commits. */
  private readonly written = new Map<string, number>();
  private readonly readHead: () => LogHead;
  private readonly readRevision: (streamId: string) => number;

  constructor(readHead: () => LogHead, readRevision: (streamId: string) => number) {
    this.readHead = readHead;
    this.readRevision = readRevision;
  }

  /** A write transaction has begun. */
  begin(): void {
    const head = this.readHead();
    const last = this.committedHead;
    if (!last || last.position !== head.position || last.hash !== head.hash) this.known.clear();
    this.head = head;
  }

  /** The transaction committed: what it wrote is the log now. */
  committed(): void {
    if (this.known.size + this.written.size > MAX_KNOWN_STREAMS) this.known.clear();
    for (const [streamId, revision] of this.written) this.known.set(streamId, revision);
    this.written.clear();
    this.committedHead = this.head;
    this.head = undefined;
  }

  /** The transaction rolled back: the log is as this connection last committed it. */
  rolledBack(): void {
    this.written.clear();
    this.head = undefined;
  }

  headNow(): LogHead {
    return this.head ?? this.readHead();
  }

  revisionOf(streamId: string): number {
    const revision = this.written.get(streamId) ?? this.known.get(streamId);
    if (revision !== undefined) return revision;
    const read = this.readRevision(streamId);
    // Read under the write lock, of a stream this transaction has not written: the committed value.
    if (this.head) this.known.set(streamId, read);
    return read;
  }

  /** One append's records, inserted in the open transaction (in order, one stream). */
  inserted(records: readonly StoredRecord[]): void {
    const last = records.at(-1);
    if (!last || !this.head) return;
    this.written.set(last.streamId, last.streamRevision);
    this.head = { position: last.globalPosition, hash: last.hash, recordedAt: last.recordedAt };
  }
}
