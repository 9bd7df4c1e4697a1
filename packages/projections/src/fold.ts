import type { Draft } from 'immer';
import { withholdPersonalFields, type EventType } from '@roc-ledger/events';
import type { MergeMap } from '@roc-ledger/identity';
import { CUSTOMER_STREAM_PREFIX, type RecordedEvent } from '@roc-ledger/ledger';
import type { Handler, ProjectionDefinition } from './definition.ts';
import { HandlerFailedError } from './errors.ts';
import { referToPersonalFields } from './personalReferences.ts';
import { compareInstants } from './instants.ts';
import { stateJson } from './stateJson.ts';

/** The partition every event of a 'global' projection folds into. */
export const GLOBAL_PARTITION = '*';

export const customerIdOf = (event: Pick<RecordedEvent, 'streamId'>): string | undefined =>
  event.streamId.startsWith(CUSTOMER_STREAM_PREFIX) ? event.streamId.slice(CUSTOMER_STREAM_PREFIX.length) : undefined;

/** The partition an event folds into, or undefined to skip it. Customers follow merges. */
export const partitionOf = (definition: ProjectionDefinition<unknown>, event: RecordedEvent, merges: MergeMap): string | undefined => {
  const by = definition.partitionBy ?? 'customer';
  if (by === 'customer') {
    // Every per-customer projection asks in turn for the same event, against the same merges.
    if (event !== lastPartitioned || merges !== lastMerges) {
      const customerId = customerIdOf(event);
      lastPartition = customerId === undefined ? undefined : merges.canonical(customerId);
      lastPartitioned = event;
      lastMerges = merges;
    }
    return lastPartition;
  }
  if (by === 'global') return GLOBAL_PARTITION;
  return by(event);
};
let lastPartitioned: RecordedEvent | undefined;
let lastMerges: MergeMap | undefined;
let lastPartition: string | undefined;

/** The handler for an event type, if the projection reads that type. */
export const handlerFor = <S>(definition: ProjectionDefinition<S>, type: string): Handler<S> | undefined =>
  (definition.handlers as Record<string, Handler<S> | undefined>)[type];

/**
 * A state being changed: the fold's own copy, which handlers mutate in place as they would an
 * immer draft. Not a draft: immer's proxies cost each property read and write several times over
 * (measured in bench/projections.bench.ts), and nothing else holds this copy, so there is no
 * sharing for copy-on-write to protect.
 */
export interface Working<S> {
  value: S;
  /** The latest valid and transaction times (epoch ms) of the events folded before this working state started. */
  maxOccurredMs: number;
  maxRecordedMs: number;
  /**
   * The latest of the events folded since, as they read (ISO-8601): compared as strings where
   * they allow it (compareInstants; transaction times are the ledger's own UTC times) and parsed
   * once, by latestTimes, rather than two Date.parse calls for every event.
   */
  latestOccurredAt: string | null;
  latestRecordedAt: string | null;
}

/** A working state that takes over `base`: the caller must not use `base` elsewhere afterwards. */
export const startWorking = <S>(base: S, maxOccurredMs = 0, maxRecordedMs = 0): Working<S> => ({ value: base, maxOccurredMs, maxRecordedMs, latestOccurredAt: null, latestRecordedAt: null });

/** The latest valid and transaction times (epoch ms) among every event folded into the working state. */
export const latestTimes = <S>(working: Working<S>): { maxOccurredMs: number; maxRecordedMs: number } => ({
  maxOccurredMs: working.latestOccurredAt === null ? working.maxOccurredMs : Math.max(working.maxOccurredMs, Date.parse(working.latestOccurredAt)),
  maxRecordedMs: working.latestRecordedAt === null ? working.maxRecordedMs : Math.max(working.maxRecordedMs, Date.parse(working.latestRecordedAt)),
});

/** Counts the event's two times among the working state's latest. */
export const noteTimes = <S>(working: Working<S>, event: Pick<RecordedEvent, 'occurredAt' | 'recordedAt'>): void => {
  if (working.latestOccurredAt === null || compareInstants(event.occurredAt, working.latestOccurredAt) > 0) working.latestOccurredAt = event.occurredAt;
  // recordedAt is always the ledger's own Date.toISOString(): its string order is its time order.
  if (working.latestRecordedAt === null || event.recordedAt > working.latestRecordedAt) working.latestRecordedAt = event.recordedAt;
};

/** Each definition's initial state in its stored form (keys sorted): what every new partition starts from. */
const initialJson = new WeakMap<ProjectionDefinition<any>, string>();

/**
 * A working state from the definition's initial state: parsed from its stored form, so a new
 * partition starts exactly as one reloaded from the store would, keys in sorted order (which
 * stateJson then writes natively), and never sharing anything with the definition's own.
 */
export const initialWorking = <S>(definition: ProjectionDefinition<S>): Working<S> => {
  let json = initialJson.get(definition);
  if (json === undefined) initialJson.set(definition, (json = stateJson(definition.initialState)));
  return startWorking(JSON.parse(json) as S);
};

/**
 * The event as the projection's handlers see it: with its personal values as recorded where the
 * projection declared it reads this type's, as references where it keeps them by reference, and
 * withheld otherwise. Every fold goes through here (backfill, live, merges, as-of replays,
 * `given`), so all of them see the same, whichever values the store opened for the read.
 */
export const eventFor = (definition: Pick<ProjectionDefinition, 'personalData' | 'personalDataByReference'>, event: RecordedEvent): RecordedEvent => {
  const type = event.type as EventType;
  if (definition.personalData?.includes(type)) return event;
  // Several projections fold each event in turn: the event rewritten once serves them all.
  if (definition.personalDataByReference?.includes(type)) {
    if (event !== lastReferred) {
      lastReferred = event;
      lastReferences = referToPersonalFields(event);
    }
    return lastReferences!;
  }
  if (event !== lastRead) {
    lastRead = event;
    lastWithheld = withholdPersonalFields(event);
  }
  return lastWithheld!;
};
let lastRead: RecordedEvent | undefined;
let lastWithheld: RecordedEvent | undefined;
let lastReferred: RecordedEvent | undefined;
let lastReferences: RecordedEvent | undefined;

/** Applies one event's handler (looked up unless given); a throw becomes HandlerFailedError naming the projection and event. */
export const applyEvent = <S>(definition: ProjectionDefinition<S>, projection: string, working: Working<S>, event: RecordedEvent, handler = handlerFor(definition, event.type)): void => {
  if (handler) {
    let result: S | void;
    try {
      result = handler(working.value as Draft<S>, eventFor(definition, event));
    } catch (cause) {
      throw new HandlerFailedError(projection, event, cause);
    }
    // A returned state may share parts with the initial state, a constant or the event: copied, so that later events mutate only the fold's own.
    if (result !== undefined) working.value = structuredClone(result);
  }
  noteTimes(working, event);
};

/** Folds events (already in log order) into one state from the initial state. */
export const foldAll = <S>(definition: ProjectionDefinition<S>, projection: string, events: Iterable<RecordedEvent>): Working<S> & { count: number } => {
  const working = initialWorking(definition);
  let count = 0;
  for (const event of events) {
    applyEvent(definition, projection, working, event);
    count++;
  }
  return Object.assign(working, { count });
};

/** A projection's state after these events (in log order), folded exactly as the runtime folds them. */
export const foldEvents = <S>(definition: ProjectionDefinition<S>, events: Iterable<RecordedEvent>): S => foldAll(definition, `${definition.name}@${definition.version}`, events).value as S;
