import {
  END,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type ReadStreamOptions,
  type RecordedEvent,
  type ResolvedEvent,
  type SubscribeToStreamOptions,
} from '@eventstore/db-client';
import type { EsdbClient } from '../esdbClient.ts';

interface StoredEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  readonly created: Date;
  readonly commit: bigint;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();
const bytesOf = (value: unknown, json: boolean): Uint8Array =>
  value === undefined ? new Uint8Array() : value instanceof Uint8Array ? value : utf8.encode(json ? JSON.stringify(value) : String(value));

/** As the client's convertGrpcRecord gives it: JSON parsed, metadata parsed when it is JSON, revision a bigint. */
const recordOf = (event: StoredEvent): RecordedEvent => {
  const isJson = event.contentType === 'application/json';
  let metadata: unknown;
  if (event.metadata.length > 0) {
    try {
      metadata = JSON.parse(text.decode(event.metadata));
    } catch {
      metadata = event.metadata;
    }
  }
  return {
    streamId: event.streamId,
    id: event.id,
    isJson,
    revision: event.revision,
    type: event.type,
    created: event.created,
    data: isJson ? JSON.parse(text.decode(event.data)) : event.data,
    metadata,
    position: { commit: event.commit, prepare: event.commit },
  } as RecordedEvent;
};

export interface ModelFault {
  /** The stream whose next append fails. */
  readonly stream: string;
  /** Whether the append was stored before the failure (a response lost on the way back) or not. */
  readonly stored: boolean;
  readonly error: Error;
}

/**
 * A model of the EventStoreDB server behind @eventstore/db-client, in memory, for the tests of the
 * store's own logic (concurrent writers, retries, links) where no server can run. It keeps the
 * documented rules the store relies on: appends to one stream are atomic and checked against
 * the expected revision; repeating the same event ids at the same expected revision is
 * acknowledged, not stored again; a missing stream reads as StreamNotFoundError; links ($>)
 * resolve to their target on request. It is not the server: the conformance suite runs against
 * a real one through testcontainers or EVENTSTOREDB_URL.
 */
export class ModelEventStoreDbServer {
  private readonly streams = new Map<string, StoredEvent[]>();
  private commit = 0n;
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private readonly faults: ModelFault[] = [];
  /** Appends refused for a wrong expected revision. */
  conflicts = 0;
  private readonly appendCalls = new Map<string, number>();

  /** How many append calls a stream has received, refused ones included. */
  appendsTo(stream: string): number {
    return this.appendCalls.get(stream) ?? 0;
  }

  failNextAppend(fault: ModelFault): void {
    this.faults.push(fault);
  }

  /** Appends raw events, as another program writing to the same database would. */
  appendOutside(streamId: string, events: EventData[]): void {
    this.store(streamId, events);
  }

  client(): EsdbClient {
    return {
      appendToStream: async (streamName, events, options) => this.append(streamName, events, options),
      readStream: (streamName, options) => this.read(streamName, options),
      subscribeToStream: (streamName, options) => this.subscribe(streamName, options),
      dispose: async () => undefined,
    };
  }

  private store(streamId: string, events: EventData[]): StoredEvent[] {
    const stream = this.streams.get(streamId) ?? [];
    const stored = events.map((event, i): StoredEvent => {
      const json = event.contentType === 'application/json';
      return {
        streamId,
        revision: BigInt(stream.length + i),
        id: event.id,
        type: event.type,
        contentType: event.contentType,
        data: bytesOf(event.data, json),
        metadata: bytesOf(event.metadata, true),
        created: new Date(),
        commit: ++this.commit,
      };
    });
    stream.push(...stored);
    this.streams.set(streamId, stream);
    for (const event of stored) for (const listener of this.listeners) listener(event);
    return stored;
  }

  private async append(streamName: string, events: EventData[], options: AppendToStreamOptions = {}): Promise<AppendResult> {
    this.appendCalls.set(streamName, this.appendsTo(streamName) + 1);
    await Promise.resolve();
    const faultAt = this.faults.findIndex((fault) => fault.stream === streamName);
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0] : undefined;
    if (fault && !fault.stored) throw fault.error;
    const result = this.decide(streamName, events, options.expectedRevision ?? 'any');
    if (fault) throw fault.error;
    return result;
  }

  private decide(streamName: string, events: EventData[], expected: AppendExpectedRevision): AppendResult {
    const stream = this.streams.get(streamName);
    const current = stream ? BigInt(stream.length - 1) : -1n;
    const from = expected === 'no_stream' ? -1n : typeof expected === 'bigint' ? expected : undefined;
    const matches =
      expected === 'any' || (expected === 'stream_exists' && stream !== undefined) || (from !== undefined && from === current);
    if (matches) {
      const stored = this.store(streamName, events);
      return { success: true, nextExpectedRevision: stored.at(-1)?.revision ?? current, position: { commit: this.commit, prepare: this.commit } };
    }
    // The same ids again where they were written: an idempotent repeat.
    if (from !== undefined && stream) {
      const already = stream.slice(Number(from) + 1, Number(from) + 1 + events.length);
      if (already.length === events.length && already.every((event, i) => event.id === events[i]!.id)) {
        return { success: true, nextExpectedRevision: from + BigInt(events.length), position: { commit: already.at(-1)!.commit, prepare: already.at(-1)!.commit } };
      }
    }
    this.conflicts++;
    throw new WrongExpectedVersionError(undefined, { streamName, expected, current: stream ? current : 'no_stream' });
  }

  private resolve(event: StoredEvent, resolveLinks: boolean): ResolvedEvent {
    if (event.type !== '$>' || !resolveLinks) return { event: recordOf(event), commitPosition: event.commit };
    const [revision, target] = text.decode(event.data).split('@') as [string, string];
    const linked = this.streams.get(target)?.[Number(revision)];
    return { ...(linked ? { event: recordOf(linked) } : {}), link: recordOf(event) as ResolvedEvent['link'], commitPosition: event.commit };
  }

  private async *read(streamName: string, options: ReadStreamOptions = {}): AsyncGenerator<ResolvedEvent> {
    await Promise.resolve();
    const stream = this.streams.get(streamName);
    if (!stream) throw new StreamNotFoundError(undefined, streamName);
    const backwards = options.direction === 'backwards';
    const last = stream.length - 1;
    const from = options.fromRevision === undefined || options.fromRevision === 'start' ? (backwards ? last : 0) : options.fromRevision === END ? last : Number(options.fromRevision);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const slice = backwards ? stream.slice(Math.max(0, from - max + 1), Math.min(from, last) + 1).reverse() : stream.slice(from, from + max);
    for (const event of slice) yield this.resolve(event, options.resolveLinkTos ?? false);
  }

  private subscribe(streamName: string, _options?: SubscribeToStreamOptions): AsyncIterable<ResolvedEvent> & { unsubscribe(): Promise<void> } {
    const queue: ResolvedEvent[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const listener = (event: StoredEvent) => {
      if (event.streamId !== streamName) return;
      queue.push(this.resolve(event, false));
      wake?.();
    };
    this.listeners.add(listener);
    const unsubscribe = async () => {
      ended = true;
      this.listeners.delete(listener);
      wake?.();
    };
    return {
      unsubscribe,
      async *[Symbol.asyncIterator]() {
        while (!ended) {
          const next = queue.shift();
          if (next) yield next;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    };
  }
}
