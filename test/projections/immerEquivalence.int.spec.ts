import { produce } from 'immer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { getInMemoryEventStore, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { foldEvents, referToPersonalFields, stateJson, type ProjectionDefinition } from '@roc-ledger/projections';
import { trustScore } from '@roc-ledger/trust-score';
import { loadDemo, type SimClock } from '../support/demoLedger.ts';
import { contract } from '../support/tempLedger.ts';

// Handlers are written as for immer's produce; the runtime folds into states it owns instead of
// drafts. Here both ways fold every customer's history, and must give the same bytes.
const clock: SimClock = { now: new Date(0) };
let store: EventStore;
beforeAll(async () => {
  store = getInMemoryEventStore({ contract, clock: () => clock.now });
  await loadDemo(store, clock, { customers: 80, years: 2, seed: 'immer-equivalence' });
}, 60_000);
afterAll(() => store.close());

/**
 * immer's produce, handed every event whole but for the personal values a projection keeps by
 * reference, which it gets as references as the runtime gives them (the runtime also withholds
 * undeclared personal values, which these projections never read).
 */
const withImmer = <S>(definition: ProjectionDefinition<S>, events: RecordedEvent[]): S => {
  const handlers = definition.handlers as Record<string, (draft: unknown, event: RecordedEvent) => void>;
  const asGiven = (event: RecordedEvent) => (definition.personalDataByReference?.includes(event.type as never) ? referToPersonalFields(event) : event);
  return events.reduce((state, event) => (handlers[event.type] ? produce(state, (draft) => handlers[event.type]!(draft, asGiven(event))) : state), definition.initialState);
};

describe('the runtime fold and immer drafts', () => {
  for (const definition of [customerView, trustScore] as ProjectionDefinition<unknown>[]) {
    it(`give byte-identical ${definition.name} states for every customer, and leave the initial state unchanged`, async () => {
      const initial = stateJson(definition.initialState);
      const byCustomer = new Map<string, RecordedEvent[]>();
      for await (const event of store.readAll({ types: [...definition.consumes] })) {
        const list = byCustomer.get(event.streamId) ?? [];
        list.push(event);
        byCustomer.set(event.streamId, list);
      }
      expect(byCustomer.size).toBeGreaterThan(50);
      for (const [customer, events] of byCustomer) {
        expect(stateJson(foldEvents(definition, events)), customer).toBe(stateJson(withImmer(definition, events)));
      }
      expect(stateJson(definition.initialState)).toBe(initial);
    });
  }
});
