import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ERASED_VALUE, uuidv7, WITHHELD_VALUE, type EventInput } from '@roc-ledger/events';
import { MergeMap } from '@roc-ledger/identity';
import { createPersonalDataGuard, getFileKeyStore } from '@roc-ledger/privacy';
import { defineProjection, getSqliteReadModelStore, PERSONAL_REFERENCE_PREFIX, ProjectionRuntime, projectionKey, replayCustomer, resolvePersonalReferences, type ProjectionDefinition } from '@roc-ledger/projections';
import type { EventStore } from '@roc-ledger/ledger';
import { given } from '@roc-ledger/projections/testing';
import { getSqliteEventStore } from '@roc-ledger/store-sqlite';
import { contract, tempDataDir } from '../support/tempLedger.ts';

let at = Date.parse('2025-06-01T09:00:00Z');
const event = (type: string, data: unknown): EventInput =>
  contract.parse({ eventId: uuidv7(), type, schemaVersion: 1, customer: { kind: 'customerId', value: 'C1' }, channel: 'phone', source: 'test', occurredAt: new Date((at += 60_000)).toISOString(), data }) as EventInput;

/** Keeps what its handlers see of a name (declared) and of an agent's note (not declared). */
const seen = defineProjection<{ givenName: string | null; notes: string[] }>({
  name: 'seen',
  version: 1,
  consumes: ['ProfileUpdated', 'SentimentRecorded'],
  personalData: ['ProfileUpdated'],
  initialState: { givenName: null, notes: [] },
  handlers: {
    ProfileUpdated: (state, e) => {
      state.givenName = e.data.givenName ?? null;
    },
    SentimentRecorded: (state, e) => {
      state.notes.push(e.data.note ?? '');
    },
  },
});
const history = [event('ProfileUpdated', { givenName: 'Personella' }), event('SentimentRecorded', { score: -1, agentId: 'a-1', note: 'Personella was upset' })];
const expected = { givenName: 'Personella', notes: [WITHHELD_VALUE] };

describe('personal data in projections', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  /** A store sealing personal values with keys in a file key store of its own, holding `history`. */
  const sealedStore = async (name: string) => {
    const keys = getFileKeyStore({ path: join(temp.dir, `${name}-keys.db`) });
    const store = getSqliteEventStore({ path: join(temp.dir, `${name}.db`), contract, personalData: createPersonalDataGuard(keys) });
    await store.append('customer-C1', history);
    return { keys, store };
  };

  /** The runtime folded to the head of the store with one projection, and C1's stored state. */
  const foldedToHead = async (store: EventStore, definition: ProjectionDefinition<any>) => {
    const readModels = getSqliteReadModelStore(':memory:');
    const runtime = new ProjectionRuntime({ store, readModels, definitions: [definition] });
    await runtime.start();
    await runtime.waitFor((await store.head()).position);
    const stored = (await readModels.load(projectionKey(definition), 'C1'))!;
    const close = async () => {
      await runtime.stop();
      await readModels.close();
      await store.close();
    };
    return { readModels, runtime, stored, close };
  };

  it('reaches handlers only in the types a projection declares: the same in the runtime over sealed data, in as-of replays and in `given`', async () => {
    const { store } = await sealedStore('seen');
    const { stored, close } = await foldedToHead(store, seen);
    expect(JSON.parse(stored.state)).toEqual(expected);
    expect(stored.state).not.toContain('upset');
    expect((await replayCustomer(store, seen, new MergeMap(), 'C1', { asOf: new Date(at) }))!.state).toEqual(expected);
    await given(seen, ...history).then('C1', expected);
    await close();
  });

  it('refuses a declaration of personal data for a type the projection does not consume, or read and kept by reference at once', () => {
    expect(() => defineProjection({ ...seen, personalData: ['IdentifierLinked'] })).toThrow('personalData: IdentifierLinked is not in consumes');
    expect(() => defineProjection({ ...seen, personalDataByReference: ['IdentifierLinked'] })).toThrow('personalDataByReference: IdentifierLinked is not in consumes');
    expect(() => defineProjection({ ...seen, personalDataByReference: ['ProfileUpdated'] })).toThrow('personalDataByReference: ProfileUpdated is in personalData too');
  });

  describe('kept by reference', () => {
    /** Keeps the name without reading it, and the note (not declared), as its handlers see them. */
    const kept = defineProjection<{ givenName: string | null; notes: string[] }>({ ...seen, name: 'kept', personalData: [], personalDataByReference: ['ProfileUpdated'] });

    it('holds references in its stored states, answers with the values opened from the log, and with erased values once the key is destroyed, refolding nothing', async () => {
      const { keys, store } = await sealedStore('kept');
      const { readModels, runtime, stored, close } = await foldedToHead(store, kept);
      // ProfileUpdated is position 1; its given name is at data.givenName.
      expect(JSON.parse(stored.state)).toEqual({ givenName: `${PERSONAL_REFERENCE_PREFIX}1:data.givenName`, notes: [WITHHELD_VALUE] });
      expect(stored.state).not.toContain('Personella');
      expect((await runtime.query('kept', 'C1'))!.result).toEqual(expected);
      expect((await replayCustomer(store, kept, new MergeMap(), 'C1', { asOf: new Date(at) }))!.state).toEqual(JSON.parse(stored.state));
      await given(kept, ...history).then('C1', expected);

      await keys.destroy(['C1']);
      expect((await runtime.query('kept', 'C1'))!.result).toEqual({ givenName: ERASED_VALUE, notes: [WITHHELD_VALUE] });
      expect((await readModels.load('kept@1', 'C1'))!.state).toBe(stored.state);
      await close();
    });

    it('resolves only references to personal values of events that exist; lookalikes stay as they are', async () => {
      const { store } = await sealedStore('lookalike');
      const value = { name: `${PERSONAL_REFERENCE_PREFIX}1:data.givenName`, noEvent: `${PERSONAL_REFERENCE_PREFIX}99:data.givenName`, notPersonal: `${PERSONAL_REFERENCE_PREFIX}2:data.score`, list: [`${PERSONAL_REFERENCE_PREFIX}1:data.givenName`, 3, null] };
      expect(await resolvePersonalReferences(store, value)).toEqual({ ...value, name: 'Personella', list: ['Personella', 3, null] });
      await store.close();
    });

    it('resolves many references by one read of the types referred to, to the same values as one read each', async () => {
      const { store } = await sealedStore('many');
      await store.append('customer-C1', Array.from({ length: 700 }, (_, i) => event('ProfileUpdated', { givenName: `Name${i}` })));
      // More than are read one by one (after the two events of history), and a lookalike to a type not referred to.
      const references = Array.from({ length: 700 }, (_, i) => `${PERSONAL_REFERENCE_PREFIX}${3 + i}:data.givenName`);
      const value = { references, note: `${PERSONAL_REFERENCE_PREFIX}2:data.note` };
      const byOneRead = await resolvePersonalReferences(store, value, ['ProfileUpdated']);
      expect(byOneRead.references).toEqual(Array.from({ length: 700 }, (_, i) => `Name${i}`));
      expect(byOneRead.note).toBe(value.note);
      expect(await resolvePersonalReferences(store, { references })).toEqual({ references: byOneRead.references });
      await store.close();
    });
  });
});
