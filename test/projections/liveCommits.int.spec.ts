import { describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { getSqliteReadModelStore, ProjectionRuntime, stateHash, type ReadModelStore } from '@roc-ledger/projections';
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
