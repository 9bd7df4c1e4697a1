import { mapPersonalFields } from '@roc-ledger/events';
import type { EventStore, RecordedEvent } from '@roc-ledger/ledger';
import type { ProjectionDefinition } from './definition.ts';

/**
 * A personal value as a projection that keeps it by reference sees it: where it is in the log
 * (`pdref1:<position>:<path>`, the path as mapPersonalFields names it, such as
 * `data.identifier.value`). States hold these, never the value; answers have them resolved.
 */
export const PERSONAL_REFERENCE_PREFIX = 'pdref1:';

const REFERENCE = new RegExp(`^${PERSONAL_REFERENCE_PREFIX}(\\d+):(.+)$`);

/** The reference to the personal value at a path of the event at a position. */
const referenceTo = (position: number, path: string): string => `${PERSONAL_REFERENCE_PREFIX}${position}:${path}`;

/** The event with each personal value replaced by a reference to it (the same object when it has none). */
export const referToPersonalFields = (event: RecordedEvent): RecordedEvent => mapPersonalFields(event, (_value, path) => referenceTo(event.globalPosition, path));

const collect = (value: unknown, into: Map<number, Set<string>>): void => {
  if (typeof value === 'string') {
    const match = REFERENCE.exec(value);
    if (match) {
      const position = Number(match[1]);
      let paths = into.get(position);
      if (!paths) into.set(position, (paths = new Set()));
      paths.add(match[2]!);
    }
  } else if (Array.isArray(value)) for (const item of value) collect(item, into);
  else if (typeof value === 'object' && value !== null) for (const key in value) collect((value as Record<string, unknown>)[key], into);
};

const replace = (value: unknown, values: ReadonlyMap<string, unknown>): unknown => {
  if (typeof value === 'string') return values.has(value) ? values.get(value) : value;
  if (Array.isArray(value)) return value.map((item) => replace(item, values));
  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const key in value) copy[key] = replace((value as Record<string, unknown>)[key], values);
    return copy;
  }
  return value;
};

/** The event at a position, its personal values opened (read as erased where the customer's key was destroyed). */
const eventAt = async (store: EventStore, position: number): Promise<RecordedEvent | undefined> => {
  for await (const event of store.readAll({ fromPosition: position, maxCount: 1 })) return event.globalPosition === position ? event : undefined;
  return undefined;
};

/**
 * Past this many events to open, one read of the log over the types referred to (from the first
 * event to the last) costs less than reading each event alone: `project run` resolves every
 * customer's references at once.
 */
const POINT_READS_MAX = 512;

/** The wanted events, opened: one by one, or by one read of the types referred to when there are many. */
async function* eventsAt(store: EventStore, positions: readonly number[], types: readonly string[] | undefined): AsyncIterable<RecordedEvent> {
  if (!types || positions.length <= POINT_READS_MAX) {
    for (const position of positions) {
      const event = await eventAt(store, position);
      if (event) yield event;
    }
    return;
  }
  const wanted = new Set(positions);
  const last = positions.at(-1)!;
  for await (const event of store.readAll({ fromPosition: positions[0]!, types, openPersonalData: types })) {
    if (event.globalPosition > last) return;
    if (wanted.has(event.globalPosition)) yield event;
  }
}

/**
 * A copy of the value with every personal reference in it replaced by the value it points at,
 * opened from the log now: a customer erased since the state was folded reads as erased. A string
 * that only looks like a reference (no such event, or no personal value at that path) stays as it
 * is. `types`, the types the references can be to, lets many be resolved by one read of the log.
 */
export const resolvePersonalReferences = async <T>(store: EventStore, value: T, types?: readonly string[]): Promise<T> => {
  const wanted = new Map<number, Set<string>>();
  collect(value, wanted);
  if (wanted.size === 0) return value;
  const values = new Map<string, unknown>();
  for await (const event of eventsAt(store, [...wanted.keys()].sort((a, b) => a - b), types)) {
    const paths = wanted.get(event.globalPosition)!;
    mapPersonalFields(event, (opened, path) => {
      if (paths.has(path)) values.set(referenceTo(event.globalPosition, path), opened);
      return opened;
    });
  }
  return replace(value, values) as T;
};

/** A stored state (or a list of them) as its queries see it: resolved where the projection keeps personal values by reference, else as it is. */
export const stateForQueries = async <T>(store: EventStore, definition: Pick<ProjectionDefinition, 'personalDataByReference'>, state: T): Promise<T> =>
  definition.personalDataByReference?.length ? resolvePersonalReferences(store, state, definition.personalDataByReference) : state;
