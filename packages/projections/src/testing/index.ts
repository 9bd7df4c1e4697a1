import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { createContract, currentVersionOf, type AnyVersionEventInput, type Channel, type CustomerRef, type EventOfType, type EventType } from '@roc-ledger/events';
import { derivedUuid } from '@roc-ledger/identity';
import type { ProjectionDefinition, QueryContext } from '../definition.ts';
import { differingPaths } from '../diff.ts';
import { stateForQueries } from '../personalReferences.ts';
import { replayAll } from '../replay.ts';
import { customerStreamId } from '@roc-ledger/ledger';

export interface GivenOptions {
  /** Reporting currency of the test ledger. Default EUR. */
  readonly reportingCurrency?: string;
}

const streamOf = (event: AnyVersionEventInput): string =>
  customerStreamId(event.customer.kind === 'customerId' ? event.customer.value : `${event.customer.kind}-${event.customer.value}`.replace(/[^A-Za-z0-9._:-]/g, '_'));

export interface AnEventOptions {
  /** Default 'web'. */
  readonly channel?: Channel;
  /** Default 'test'. */
  readonly source?: string;
  /** Default: derived from the order of anEvent's calls in this process (give one where a state keeps event ids). */
  readonly eventId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

let madeEvents = 0;

/**
 * An event for `given` and `when`, as a channel would send it, at the type's current schema
 * version: a customer id (or a reference such as `{ kind: 'email', value }`), when it happened,
 * and its data, typed by the event type.
 *
 *   anEvent('ComplaintOpened', 'C1', '2025-03-01T10:00:00Z', { complaintId: 'K1', category: 'billing', severity: 'low', dueBy: '2025-03-02T10:00:00Z' }, { channel: 'phone' })
 */
export const anEvent = <T extends EventType>(type: T, customer: string | CustomerRef, occurredAt: string, data: EventOfType<T>['data'], options: AnEventOptions = {}): EventOfType<T> =>
  ({
    eventId: options.eventId ?? derivedUuid(`projections-testing:${++madeEvents}`),
    type,
    schemaVersion: currentVersionOf.get(type)!,
    customer: typeof customer === 'string' ? { kind: 'customerId', value: customer } : customer,
    channel: options.channel ?? 'web',
    source: options.source ?? 'test',
    occurredAt,
    ...(options.correlationId ? { correlationId: options.correlationId } : {}),
    ...(options.causationId ? { causationId: options.causationId } : {}),
    data,
  }) as EventOfType<T>;

/**
 * Given these events (appended to a fresh in-memory ledger, one stream per customer id, in this
 * order), when these further events arrive, then the projection's state, folded by the
 * runtime's own code, is exactly this. Customer references that are not customer ids become
 * streams named after them.
 *
 *   await given(projection, registered).when(purchase).then('c-1', { purchases: 1 });
 *   const score = await given(projection, ...events).query('c-1', 'score', { at });
 */
export const given = (definition: ProjectionDefinition<any>, ...history: AnyVersionEventInput[]) => scenario(definition, history);

const scenario = (definition: ProjectionDefinition<any>, events: AnyVersionEventInput[]) => {
  const states = async (options: GivenOptions = {}) => {
    const store = getInMemoryEventStore({ contract: createContract({ reportingCurrency: options.reportingCurrency ?? 'EUR' }) });
    for (const event of events) await store.append(streamOf(event), [event]);
    const { readModels, key } = await replayAll(store, definition);
    const result = new Map<string, unknown>();
    // As the runtime's queries see them: personal values kept by reference read from the events given.
    for await (const record of readModels.partitions(key)) result.set(record.partition, await stateForQueries(store, definition, JSON.parse(record.state)));
    await readModels.close();
    await store.close();
    return result;
  };
  return {
    /** More events, after the given ones. */
    when: (...more: AnyVersionEventInput[]) => scenario(definition, [...events, ...more]),
    /** Every partition's state after the events. */
    states,
    /** Asserts the partition's state deep-equals `expected` (after a JSON round trip, as stored; personal values kept by reference resolved); names the differing paths. */
    async then(partition: string, expected: unknown, options?: GivenOptions): Promise<void> {
      const actual = (await states(options)).get(partition);
      const wanted = JSON.parse(JSON.stringify(expected)) as unknown;
      if (!isDeepStrictEqual(actual, wanted)) {
        throw new AssertionError({ message: `${definition.name}@${definition.version}, partition ${partition}: differs at ${differingPaths(actual, wanted, '').join(', ')}`, actual, expected: wanted, operator: 'deepStrictEqual' });
      }
    },
    /** The result of one of the projection's queries over the partition's state. */
    async query(partition: string, name: string, context: Omit<QueryContext, 'partition'>, options?: GivenOptions): Promise<unknown> {
      const state = (await states(options)).get(partition);
      if (state === undefined) throw new AssertionError({ message: `no state for partition ${partition}` });
      const query = definition.queries?.[name];
      if (!query) throw new AssertionError({ message: `${definition.name} has no query ${name}` });
      return query(state, { ...context, partition });
    },
  };
};
