import { describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { defineProjection, getSqliteReadModelStore, ProjectionRuntime, stateHash, type ReadModelStore } from '@roc-ledger/projections';
import { contract } from '../support/tempLedger.ts';

/** The read-model store, counting its commits. */
const counted = (readModels: ReadModelStore) => {
  const counter = { commits: 0 };
  const store = new Proxy(readModels, {
    get: (target, property, receiver) =>
      property === 'commit' ? (...args: Parameters<ReadModelStore['commit']>) => (counter.commits++, target.commit(...args)) : Reflect.get(target, property, receiver),
  });
  return { store, counter };
};

/** 150 appends a millisecond or two apart, each its own group commit, while the runtime follows. */
const followSteadyAppends = async (liveCommitIntervalMs: number) => {
  const store: EventStore = getInMemoryEventStore({ contract });
  const { store: readModels, counter } = counted(getSqliteReadModelStore(':memory:'));
  const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView], liveCommitIntervalMs });
  await runtime.start();
  const before = counter.commits;
  let last = 0;
  for (let i = 0; i < 150; i++) {
    last = (await store.append(`customer-C${i % 7}`, [interaction(`C${i % 7}`)])).events[0]!.globalPosition;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await runtime.waitFor(last);
  const commits = counter.commits - before;
  const hash = await stateHash(readModels, 'customer-view@3');
  await runtime.stop();
  // The same log folded from nothing, in one go: the states the live commits left must be these.
  const rebuilt = getSqliteReadModelStore(':memory:');
  const fresh = new ProjectionRuntime({ store, readModels: rebuilt, definitions: [customerView] });
  await fresh.start();
  await fresh.waitFor(last);
  const expected = await stateHash(rebuilt, 'customer-view@3');
  await fresh.stop();
  await store.close();
  return { commits, hash, expected };
};

describe('live commits', () => {
  it('coalesce steady appends into a commit per interval, and leave exactly the states of a rebuild', async () => {
    const everyCatchUp = await followSteadyAppends(0);
    const coalesced = await followSteadyAppends(100);
    expect(everyCatchUp.commits).toBeGreaterThan(100);
    // 150 appends over at least 150 ms: a few commits, not one per append.
    expect(coalesced.commits).toBeLessThan(everyCatchUp.commits / 5);
    expect(coalesced.hash).toEqual(coalesced.expected);
    expect(everyCatchUp.hash).toEqual(everyCatchUp.expected);
    expect(coalesced.hash.partitions).toBe(7);
  });
});

describe('a live commit while an event waits for its state', () => {
  /** Interactions per customer, and the positions folded: what the stored checkpoint must account for exactly. */
  const seen = defineProjection<{ positions: number[] }>({
    name: 'seen',
    version: 1,
    consumes: ['InteractionRecorded'],
    initialState: { positions: [] },
    handlers: { InteractionRecorded: (state, event) => void state.positions.push(event.globalPosition) },
  });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('waits for that fold: every commit stores states holding exactly the events up to its checkpoint', async () => {
    const store: EventStore = getInMemoryEventStore({ contract });
    const target = getSqliteReadModelStore(':memory:');
    // Customer A's state takes 100 ms to read; every commit starts 150 ms late. After each, the stored states are checked.
    const violations: string[] = [];
    const readModels = new Proxy(target, {
      get: (t, property, receiver) => {
        if (property === 'load') return async (key: string, partition: string) => (partition === 'A' && (await pause(100)), t.load(key, partition));
        if (property === 'commit') {
          return async (...args: Parameters<ReadModelStore['commit']>) => {
            await pause(150);
            await t.commit(...args);
            const checkpoint = (await t.row('seen@1'))!.position;
            for await (const record of t.partitions('seen@1')) {
              const positions = (JSON.parse(record.state) as { positions: number[] }).positions;
              if (positions.some((p) => p > checkpoint)) violations.push(`${record.partition}: ${positions.join(',')} stored with checkpoint ${checkpoint}`);
            }
          };
        }
        return Reflect.get(t, property, receiver);
      },
    }) as ReadModelStore;
    const first = new ProjectionRuntime({ store, readModels: target, definitions: [seen] });
    await first.start();
    await store.append('customer-A', [interaction('A')]);
    await first.waitFor((await store.head()).position);
    await first.stop();

    // A new runtime caches nothing: A's next event reads A's state first.
    const runtime = new ProjectionRuntime({ store, readModels, definitions: [seen], liveCommitIntervalMs: 40 });
    await runtime.start();
    await runtime.waitFor((await store.head()).position);
    // B's event is folded at once and schedules a live commit; it falls due while A's event waits for A's state.
    await store.append('customer-B', [interaction('B')]);
    await pause(5);
    const last = (await store.append('customer-A', [interaction('A')])).events[0]!.globalPosition;
    await runtime.waitFor(last);
    await runtime.stop();
    expect(violations).toEqual([]);
    const a = JSON.parse((await target.load('seen@1', 'A'))!.state) as { positions: number[] };
    expect(a.positions).toEqual([1, 3]);
    await target.close();
    await store.close();
  });
});
