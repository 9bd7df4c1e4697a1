import type { Draft } from 'immer';
import { withholdPersonalFields, type EventType } from '@roc-ledger/events';
import type { MergeMap } from '@roc-ledger/identity';
import { CUSTOMER_STREAM_PREFIX, type RecordedEvent } from '@roc-ledger/ledger';
import type { Handler, ProjectionDefinition } from './definition.ts';
import { HandlerFailedError } from './errors.ts';
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
  maxOccurredMs: number;
  maxRecordedMs: number;
}

/** A working state that takes over `base`: the caller must not use `base` elsewhere afterwards. */
export const startWorking = <S>(base: S, maxOccurredMs = 0, maxRecordedMs = 0): Working<S> => ({ value: base, maxOccurredMs, maxRecordedMs });

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
 * The event as the projection's handlers see it: with its personal values withheld unless the
 * projection declared it reads this type's. Every fold goes through here (backfill, live, merges,
 * as-of replays, `given`), so all of them see the same.
 */
export const eventFor = (definition: Pick<ProjectionDefinition, 'personalData'>, event: RecordedEvent): RecordedEvent => {
  if (definition.personalData?.includes(event.type as EventType)) return event;
  // Several projections fold each event in turn: the event withheld once serves them all.
  if (event !== lastRead) {
    lastRead = event;
    lastWithheld = withholdPersonalFields(event);
  }
  return lastWithheld!;
};
let lastRead: RecordedEvent | undefined;
let lastWithheld: RecordedEvent | undefined;

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
  if (event !== lastTimed) {
    // Several projections fold each event in turn: its two times are parsed once for all of them.
    lastTimed = event;
    lastOccurredMs = Date.parse(event.occurredAt);
    lastRecordedMs = Date.parse(event.recordedAt);
  }
  if (lastOccurredMs > working.maxOccurredMs) working.maxOccurredMs = lastOccurredMs;
  if (lastRecordedMs > working.maxRecordedMs) working.maxRecordedMs = lastRecordedMs;
};
let lastTimed: RecordedEvent | undefined;
let lastOccurredMs = 0;
let lastRecordedMs = 0;

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
