import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChainMonitor, walkOnOwnThread, type ChainCheck, type ChainWalk } from '@roc-ledger/ledger';
import { interaction, purchase } from '@roc-ledger/ledger/testing';
import { openStore, tamper, tempDataDir } from '../support/tempLedger.ts';

const onOwnThread = (dbPath: string): ChainWalk => walkOnOwnThread({ module: import.meta.resolve('../support/walkStore.ts'), data: { dbPath } });

describe.each([
  { where: 'on the service thread', walk: (_dbPath: string): { walk?: ChainWalk } => ({}) },
  { where: 'on a thread of its own', walk: (dbPath: string): { walk?: ChainWalk } => ({ walk: onOwnThread(dbPath) }) },
])('ChainMonitor walking $where', ({ walk }) => {
  let temp: ReturnType<typeof tempDataDir>;
  beforeEach(async () => {
    temp = tempDataDir();
    const store = openStore(temp.dbPath);
    for (let i = 0; i < 6; i++) await store.append(`customer-${i % 2}`, [i % 2 ? purchase(`${i % 2}`, 1000 + i) : interaction(`${i % 2}`)]);
    await store.close();
  });
  afterEach(() => temp.cleanup());

  it('proves the previous good head on the next walk, and reports the first bad position once the log is altered', async () => {
    const store = openStore(temp.dbPath);
    const seen: ChainCheck[] = [];
    const monitor = new ChainMonitor(store, { intervalMs: 60_000, onCheck: (check) => seen.push(check), ...walk(temp.dbPath) });
    try {
      expect(monitor.latest()).toBeUndefined();
      const first = await monitor.check();
      expect(first).toMatchObject({ ok: true, checked: 6, against: null });
      await store.append('customer-0', [interaction('0')]);
      const second = await monitor.check();
      expect(second).toMatchObject({ ok: true, checked: 7, against: first.head });

      tamper(temp.dbPath, 'DELETE FROM events WHERE global_position = 3');
      const third = await monitor.check();
      expect(third).toMatchObject({ ok: false, failure: { position: 3, kind: 'missing-event' } });
      expect(monitor.latest()).toBe(third);
      expect(seen).toEqual([first, second, third]);
    } finally {
      await monitor.stop();
      await store.close();
    }
  });

  it('stopping ends the walk in progress without reporting it: a shutdown does not wait for a walk of the whole log', async () => {
    const store = openStore(temp.dbPath);
    const seen: ChainCheck[] = [];
    const monitor = new ChainMonitor(store, { intervalMs: 60_000, onCheck: (check) => seen.push(check), ...walk(temp.dbPath) });
    try {
      const walk = monitor.check();
      await monitor.stop();
      await expect(walk).rejects.toMatchObject({ name: 'AbortError' });
      expect(monitor.latest()).toBeUndefined();
      expect(seen).toEqual([]);
      // Started again, it walks the whole log as before.
      expect(await monitor.check()).toMatchObject({ ok: true, checked: 6 });
    } finally {
      await monitor.stop();
      await store.close();
    }
  });
});

describe('a chain walk on a thread of its own', () => {
  it('reports a store it cannot open as a failed walk, not as a check', async () => {
    const temp = tempDataDir();
    const store = openStore(temp.dbPath);
    const seen: ChainCheck[] = [];
    const monitor = new ChainMonitor(store, { intervalMs: 60_000, onCheck: (check) => seen.push(check), walk: onOwnThread('') });
    try {
      await expect(monitor.check()).rejects.toThrow('the chain walk thread could not walk: no dbPath given');
      expect(seen).toEqual([]);
    } finally {
      await monitor.stop();
      await store.close();
      temp.cleanup();
    }
  });
});
