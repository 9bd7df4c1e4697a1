import { Immer, type Draft } from 'immer';
import type { MergeMap } from '@roc-ledger/identity';
import { CUSTOMER_STREAM_PREFIX, type RecordedEvent } from '@roc-ledger/ledger';
import type { Handler, ProjectionDefinition } from './definition.ts';
import { HandlerFailedError } from './errors.ts';

/**
 * immer as its defaults have it: finished states are frozen. Besides guarding them, freezing
 * lets each later finish skip the unchanged (frozen) parts of a large state instead of walking them.
 */
export const immer = new Immer({ autoFreeze: true });

/** The partition every event of a 'global' projection folds into. */
export const GLOBAL_PARTITION = '*';

export const customerIdOf = (event: Pick<RecordedEvent, 'streamId'>): string | undefined =>
  event.streamId.startsWith(CUSTOMER_STREAM_PREFIX) ? event.streamId.slice(CUSTOMER_STREAM_PREFIX.length) : undefined;

/** The partition an event folds into, or undefined to skip it. Customers follow merges. */
export const partitionOf = (definition: ProjectionDefinition<unknown>, event: RecordedEvent, merges: MergeMap): string | undefined => {
  const by = definition.partitionBy ?? 'customer';
  if (by === 'customer') {
    const customerId = customerIdOf(event);
    return customerId === undefined ? undefined : merges.canonical(customerId);
  }
  if (by === 'global') return GLOBAL_PARTITION;
  return by(event);
};

/** The handler for an event type, if the projection reads that type. */
export const handlerFor = <S>(definition: ProjectionDefinition<S>, type: string): Handler<S> | undefined =>
  (definition.handlers as Record<string, Handler<S> | undefined>)[type];

/** A state being changed: an open immer draft, or a whole state a handler returned. */
export interface Working<S> {
  value: S | Draft<S>;
  drafted: boolean;
  maxOccurredMs: number;
  maxRecordedMs: number;
}

export const startWorking = <S>(base: S, maxOccurredMs = 0, maxRecordedMs = 0): Working<S> => ({
  value: immer.createDraft(base as never) as Draft<S>,
  drafted: true,
  maxOccurredMs,
  maxRecordedMs,
});

/** Applies one event's handler; a throw becomes HandlerFailedError naming the projection and event. */
export const applyEvent = <S>(definition: ProjectionDefinition<S>, projection: string, working: Working<S>, event: RecordedEvent): void => {
  const handler = handlerFor(definition, event.type);
  if (handler) {
    if (!working.drafted) {
      working.value = immer.createDraft(working.value as never) as Draft<S>;
      working.drafted = true;
    }
    let result: S | void;
    try {
      result = handler(working.value as Draft<S>, event);
    } catch (cause) {
      throw new HandlerFailedError(projection, event, cause);
    }
    if (result !== undefined) {
      working.value = result;
      working.drafted = false;
    }
  }
  const occurred = Date.parse(event.occurredAt);
  const recorded = Date.parse(event.recordedAt);
  if (occurred > working.maxOccurredMs) working.maxOccurredMs = occurred;
  if (recorded > working.maxRecordedMs) working.maxRecordedMs = recorded;
};

export const finishWorking = <S>(working: Working<S>): S => (working.drafted ? (immer.finishDraft(working.value as Draft<S>) as S) : (working.value as S));

/** Folds events (already in log order) into one state from the initial state. */
export const foldAll = <S>(definition: ProjectionDefinition<S>, projection: string, events: Iterable<RecordedEvent>): Working<S> & { count: number } => {
  const working = startWorking(definition.initialState);
  let count = 0;
  for (const event of events) {
    applyEvent(definition, projection, working, event);
    count++;
  }
  return Object.assign(working, { value: finishWorking(working), drafted: false, count });
};

/** A projection's state after these events (in log order), folded exactly as the runtime folds them. */
export const foldEvents = <S>(definition: ProjectionDefinition<S>, events: Iterable<RecordedEvent>): S => foldAll(definition, `${definition.name}@${definition.version}`, events).value as S;
