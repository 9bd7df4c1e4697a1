import type { AnyVersionEventInput, EventInput } from '@roc-ledger/events';

/**
 * What the stream must look like for an append to go ahead: any state, no stream yet, an
 * existing stream, or a stream whose last event has exactly this revision (0-based).
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

/** Ledger-set fields of a stored event. */
export interface RecordedMetadata {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamRevision: number;
  /** Transaction time: when the ledger learned the event. Non-decreasing in globalPosition. */
  readonly recordedAt: string;
  /** Integrity chain: sha256 over the previous hash and this event's stored bytes (hex). */
  readonly hash: string;
}

/** An event as readers see it: upcast to the current version of its type. */
export type RecordedEvent<E extends EventInput = EventInput> = E & RecordedMetadata;

/** A stored event exactly as kept: the bytes the hash covers, and the columns kept beside them. */
export interface StoredRecord {
  readonly globalPosition: number;
  readonly streamId: string;
  readonly streamRevision: number;
  readonly eventId: string;
  readonly type: string;
  readonly recordedAt: string;
  /** Canonical JSON of the event with its ledger fields but without the hash. */
  readonly body: string;
  readonly hash: string;
}

export interface AppendedEvent {
  readonly eventId: string;
  readonly globalPosition: number;
  readonly streamRevision: number;
  readonly recordedAt: string;
  /** True when this event id was already stored with the same content: acknowledged, not stored again. */
  readonly duplicate: boolean;
}

export interface AppendResult {
  readonly streamId: string;
  /** Revision of the stream's last event after the append: pass it as expectedRevision next time. */
  readonly nextExpectedRevision: number;
  readonly events: readonly AppendedEvent[];
}

export interface AppendOptions {
  readonly expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first (forwards) or last (backwards) event. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadStreamResult {
  readonly streamId: string;
  /** Revision of the stream's last event, -1 when the stream does not exist. */
  readonly currentRevision: number;
  readonly events: readonly RecordedEvent[];
}

export interface LogFilter {
  /** Only these event types. */
  readonly types?: readonly string[];
  /** Only streams whose id starts with this prefix. */
  readonly streamPrefix?: string;
  /** Only the streams a reader needs, decided before their events are decoded; see StreamSelection. */
  readonly streams?: StreamSelection;
}

/**
 * The streams a reader needs, up to a position: events of other streams at or before `through`
 * are passed over undecoded (a backfill thread folding one shard of the customers reads only
 * theirs). Every event after `through` comes out: the reader decided on what it knew up to there.
 */
export interface StreamSelection {
  /** Called once per stored event up to `through`, synchronously, in log order. */
  readonly includes: (streamId: string) => boolean;
  readonly through: number;
}

/** What a log read asks for: a filter, and which events' personal values it needs opened. */
export interface ReadScope extends LogFilter {
  /**
   * Only events of these types come out with their personal values opened (decrypted); in every
   * other event they stay sealed. Default: every type. A reader that needs few personal values (a
   * projection declares which it reads) spares the store decrypting the rest.
   */
  readonly openPersonalData?: readonly string[];
}

/**
 * openPersonalData for a read that needs no personal value (money, merges, counts): on a sealed
 * store, opening every event derives each page's customers' keys and decrypts their values, a
 * third of such a read's time.
 */
export const NO_PERSONAL_DATA: readonly string[] = [];

export interface ReadAllOptions extends ReadScope {
  /** Inclusive; positions start at 1. */
  readonly fromPosition?: number;
  readonly maxCount?: number;
  /** Events fetched per page; memory stays bounded by it. */
  readonly pageSize?: number;
}

export interface SubscribeOptions extends ReadScope {
  /** Checkpoint: the last position already processed. Delivery starts after it. Default 0 (from the start). */
  readonly after?: number;
  readonly pageSize?: number;
  /** Called each time the subscription has delivered everything stored so far and turns live. */
  readonly onCaughtUp?: (position: number) => void;
}

/** A read of the log up to where it stood: the events one by one, or a page at a time. */
export interface LogRead extends AsyncIterable<RecordedEvent> {
  /**
   * The same events a page at a time, as read (never an empty page): a consumer that handles events
   * synchronously pays one promise per page instead of one per event. Each call reads anew.
   */
  pages(): AsyncIterable<readonly RecordedEvent[]>;
}

/** Catch-up then live; pull-based, so a slow consumer slows reading instead of buffering without bound. */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /**
   * The same events a page at a time, as read (never an empty page). A consumer that handles events
   * synchronously then pays one promise per page instead of one per event. A subscription is read
   * one way or the other, not both.
   */
  pages(): AsyncIterable<readonly RecordedEvent[]>;
  close(): Promise<void>;
}

export interface LogHead {
  /** 0 for an empty log. */
  readonly position: number;
  /** The chain hash at that position (the genesis hash for an empty log). */
  readonly hash: string;
  readonly recordedAt: string | null;
}

/** Where a stream begins: the position of its first event (revision 0). */
export interface StreamStart {
  readonly streamId: string;
  readonly globalPosition: number;
}

/** The one port every event-store backend implements; see test/conformance for the contract it must pass. */
export interface EventStore {
  /** Atomic per call: all events are stored, or none. Idempotent by eventId. */
  append(streamId: string, events: readonly AnyVersionEventInput[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  readAll(options?: ReadAllOptions): LogRead;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Stored records in global order, exactly as kept: what integrity verification walks. */
  readStoredRecords(options?: { fromPosition?: number; pageSize?: number }): AsyncIterable<StoredRecord>;
  head(): Promise<LogHead>;
  /**
   * Optional: where each stream begins, for the streams whose first event is after `after` and at
   * or before `through`, in log order, without decoding any event. Readers that need every stream
   * but few events' contents (identity resolution) read this and only the types they fold; a store
   * without it is read whole.
   */
  streamStarts?(range: { after: number; through: number }): AsyncIterable<StreamStart>;
  /**
   * Optional: runs `read`, a read of most of the log (the identity index folded at start), with
   * the store's own cache of what it read held small: such a read would fill it with pages nobody
   * reads again soon, memory the process then keeps. Other reads and appends meanwhile get the
   * small cache too.
   */
  scan?<T>(read: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
