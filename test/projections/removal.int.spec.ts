import { describe, expect, it } from 'vitest';
import { customerView } from '@roc-ledger/customer-view';
import { getInMemoryEventStore } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { defineProjection, getSqliteReadModelStore, ProjectionRuntime, type ReadModelStore } from '@roc-ledger/projections';
import { contract } from '../support/tempLedger.ts';

const visits = defineProjection<{ n: number }>({ name: 'visits', version: 1, consumes: ['InteractionRecorded'], initialState: { n: 0 }, handlers: { InteractionRecorded: (draft) => void (draft.n += 1) } });

/** The read models with commits of one projection waiting 100 ms before they start once slowed (a networked store under load), telling when one waits. */
const slowCommits = (readModels: ReadModelStore, key: string) => {
  const waiting = { slowed: false, count: 0 };
  const store = new Proxy(readModels, {
    get: (target, property, receiver) =>
      property === 'commit'
        ? async (...args: Parameters<ReadModelStore['commit']>) => {
            if (!waiting.slowed || args[0] !== key) return target.commit(...args);
            waiting.count++; console.log('commit wait', args[0], performance.now().toFixed(0));
            await new Promise((resolve) => setTimeout(resolve, 100));
            waiting.count--;
            console.log('commit go', args[0], performance.now().toFixed(0)); return target.commit(...args);
          }
        : Reflect.get(target, property, receiver),
  });
  return { store, waiting };
};

describe('removing a projection', () => {
  it('drops its states only after a commit of them under way, so that nothing stores them again; the others fold on', async () => {
    const store = getInMemoryEventStore({ contract });
    const sqlite = getSqliteReadModelStore(':memory:');
    const { store: readModels, waiting } = slowCommits(sqlite, 'visits@1');
    const runtime = new ProjectionRuntime({ store, readModels, definitions: [customerView, visits], liveCommitIntervalMs: 0 });
    await runtime.start();
    await runtime.waitFor(0);
    waiting.slowed = true;
    let last = 0;
    for (let i = 0; i < 20; i++) last = (await store.append(`customer-C${i % 4}`, [interaction(`C${i % 4}`)])).events[0]!.globalPosition;
    // A live commit of visits' folded states is waiting to start when the removal comes.
    while (waiting.count === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    console.log('remove', performance.now().toFixed(0)); expect(await runtime.remove('visits')).toEqual(['visits@1']); console.log('removed', performance.now().toFixed(0));
    const more = (await store.append('customer-C1', [interaction('C1')])).events[0]!.globalPosition;
    await runtime.waitFor(more);
    expect(more).toBeGreaterThan(last);
    expect(await sqlite.isEmpty('visits@1')).toBe(true);
    expect((await sqlite.rows()).map((row) => row.key)).toEqual(['customer-view@3']);
    expect((await sqlite.row('customer-view@3'))!.position).toBe(more);
    await expect(runtime.query('visits', 'C1')).rejects.toMatchObject({ code: 'PROJ_ERR_UNKNOWN_PROJECTION' });
    await expect(runtime.remove('visits')).rejects.toMatchObject({ code: 'PROJ_ERR_UNKNOWN_PROJECTION' });
    await runtime.stop();
    await sqlite.close();
  });
});
