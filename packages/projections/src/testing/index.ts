import { AssertionError } from 'node:assert';
import { isDeepStrictEqual } from 'node:util';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { createContract, type AnyVersionEventInput } from '@roc-ledger/events';
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
