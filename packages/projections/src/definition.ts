import type { Draft } from 'immer';
import { EVENT_TYPES, type ConsentPurpose, type EventOfType, type EventType } from '@roc-ledger/events';
import type { RecordedEvent } from '@roc-ledger/ledger';
import { CONSENT_EVENT_TYPES } from './consent.ts';
import { InvalidProjectionError } from './errors.ts';

/**
 * A handler folds one event into its partition's state. It mutates the draft (as with immer's
 * produce) or returns a whole new state; never both. It must be pure: the same state and event
 * give the same result, with no clock, randomness or I/O.
 */
export type Handler<S, E extends RecordedEvent = RecordedEvent> = (draft: Draft<S>, event: E) => S | void;

/** One handler per consumed type, each given its event typed by the catalogue. */
export type Handlers<S> = { readonly [T in EventType]?: Handler<S, RecordedEvent<EventOfType<T>>> };

/** What a query is evaluated against: the time it answers for (asOf, or now). */
export interface QueryContext {
  /** The valid time the answer is for; time-dependent figures (overdue, decayed, last 30 days) use it. */
  readonly at: Date;
  /** The partition asked about (for per-customer projections, the canonical customer id). */
  readonly partition: string;
}

export type Query<S> = (state: S, context: QueryContext) => unknown;

/**
 * How events are grouped into independent states. 'customer' (the default): one state per
 * canonical customer, merged customers folded into their survivor. 'global': one state for
 * the whole log. A function: any key from the event; undefined skips the event.
 */
export type PartitionBy = 'customer' | 'global' | ((event: RecordedEvent) => string | undefined);

export interface ProjectionDefinition<S = unknown> {
  /** Lower-case name, 1-64 of a-z 0-9 - (it names tables, routes and files). */
  readonly name: string;
  /** Raise it when handlers or state change: the runtime rebuilds beside the old version. */
  readonly version: number;
  readonly description?: string;
  /** The event types the handlers fold; only these are read. */
  readonly consumes: readonly EventType[];
  /** A plain JSON value (objects, arrays, strings, finite numbers, booleans, null). */
  readonly initialState: S;
  readonly handlers: Handlers<S>;
  readonly partitionBy?: PartitionBy;
  /**
   * The purpose the projection serves. With one, it sees a customer's events only while that
   * customer's consent for the purpose holds, by valid time (ConsentGranted / ConsentWithdrawn).
   */
  readonly purpose?: ConsentPurpose;
  /**
   * The consumed types whose personal values (the fields the catalogue marks personal: identifiers,
   * names, addresses, notes) the handlers read. Events of these types reach the handlers with
   * those values as recorded; in every other event each reads as `[withheld]`. Leave it out and
   * nothing personal reaches the projection, nor its states; the store decrypts only what some
   * projection declared.
   */
  readonly personalData?: readonly EventType[];
  /**
   * The consumed types whose personal values the state keeps without the handlers reading them
   * (a customer view shows a name; it computes nothing with it). The handlers get each as a
   * reference into the log (`pdref1:<position>:<path>`), which the state may hold; the runtime
   * resolves every reference in a state before its queries see it, opening the value from the log
   * then (a customer erased since reads as erased). So the read models hold no personal data, and
   * folding these types decrypts nothing. Two references are equal only if they are one value of
   * one event: compare values in queries, not in handlers.
   */
  readonly personalDataByReference?: readonly EventType[];
  /** Named read functions over a state. `state` (the state itself) is always there. */
  readonly queries?: { readonly [name: string]: Query<S> };
}

const NAME = /^[a-z][a-z0-9-]{0,63}$/;

/** Checks a definition and gives it its type; analysts' modules export what this returns. */
export const defineProjection = <S>(definition: ProjectionDefinition<S>): ProjectionDefinition<S> => {
  const problems: string[] = [];
  if (!NAME.test(definition.name)) problems.push(`name ${JSON.stringify(definition.name)}: 1-64 of a-z 0-9 -, starting with a letter`);
  if (!Number.isInteger(definition.version) || definition.version < 1) problems.push(`version ${definition.version}: a positive integer`);
  if (definition.consumes.length === 0) problems.push('consumes: at least one event type');
  const handlers = definition.handlers as Record<string, unknown>;
  for (const type of definition.consumes) if (typeof handlers[type] !== 'function') problems.push(`handlers.${type}: missing for a consumed type`);
  for (const type of Object.keys(handlers)) if (!(definition.consumes as readonly string[]).includes(type)) problems.push(`handlers.${type}: not in consumes`);
  for (const type of definition.consumes) if (!EVENT_TYPES.includes(type)) problems.push(`consumes: ${type} is not an event type`);
  for (const type of definition.personalData ?? []) if (!definition.consumes.includes(type)) problems.push(`personalData: ${type} is not in consumes`);
  for (const type of definition.personalDataByReference ?? []) {
    if (!definition.consumes.includes(type)) problems.push(`personalDataByReference: ${type} is not in consumes`);
    if (definition.personalData?.includes(type)) problems.push(`personalDataByReference: ${type} is in personalData too; a type's values are read or kept by reference, not both`);
  }
  if (problems.length > 0) throw new InvalidProjectionError(definition.name, problems);
  return definition;
};

/**
 * The event types the runtime reads for a projection: what it consumes, merges (which refold a
 * customer), erasures (which refold a customer without their personal data) and, with a purpose,
 * consent decisions.
 */
export const typesRead = (definition: Pick<ProjectionDefinition, 'consumes' | 'purpose'>): string[] => [
  ...new Set([...definition.consumes, 'CustomersMerged', 'CustomerErased', ...(definition.purpose ? CONSENT_EVENT_TYPES : [])]),
];

/** The types whose personal values a projection's reads must open (see ProjectionDefinition.personalData). */
export const personalDataRead = (definition: Pick<ProjectionDefinition, 'personalData'>): readonly string[] => definition.personalData ?? [];

/** `name@version`: how a projection's version is named in tables, logs and messages. */
export const projectionKey = (definition: Pick<ProjectionDefinition, 'name' | 'version'>): string => `${definition.name}@${definition.version}`;

/** Whether a projection keeps one state per customer (the default), following merges. */
export const byCustomer = (definition: Pick<ProjectionDefinition, 'partitionBy'>): boolean => (definition.partitionBy ?? 'customer') === 'customer';
