import { emmettStore, peerInstalled, peerNote, rocLedgerStore, type BenchStore } from './stores.ts';

/**
 * roc-ledger and every installed peer, in the order they run. BENCH_NO_PEERS=1 runs roc-ledger
 * alone. Peers run at most 3 times (still a median): Emmett's durable cases take about a minute a run.
 */
export const benchedStores = (): { impl: string; open: (path: string) => Promise<BenchStore>; note: () => { note?: string }; runs: (wanted: number) => number }[] => {
  const stores = [{ impl: 'roc-ledger', open: async (path: string): Promise<BenchStore> => rocLedgerStore(path) }];
  if (!process.env.BENCH_NO_PEERS) {
    if (peerInstalled('@event-driven-io/emmett-sqlite')) stores.push({ impl: 'emmett-sqlite', open: async (path) => (await emmettStore(path))! });
    else console.error('emmett-sqlite: not installed (npm run bench:setup); skipped');
  }
  return stores.map((s) => ({
    ...s,
    note: () => {
      const n = peerNote(s.impl);
      return n ? { note: n } : {};
    },
    runs: (wanted: number) => (s.impl === 'roc-ledger' ? wanted : Math.min(wanted, 3)),
  }));
};
