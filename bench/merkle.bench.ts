// Auditors' Merkle tree over 1,000,000 events (RFC 9162): building it, as `digest --merkle`, `prove`
// and `audit bundle` do once per command and `serve` once per start, with its peak RSS, in tiles of
// 256 leaves against every hash kept (tile height 0, packed); an inclusion proof's
// latency on the built tree; and a signed digest's on the tree `serve` keeps, after 1,000 appends.
// Usage: node bench/merkle.bench.ts [--events 1000000] [--runs 3]
//        (child modes, used by itself: --fill, --build, --proofs)
import { spawnSync } from 'node:child_process';
import { followMerkleTree, leafHash, merkleDigestOf, merkleTreeOf, storedRecordAt, verifyInclusion } from '@roc-ledger/ledger';
import { argValue, emit, median, peakRssMb, percentile } from './lib/result.ts';
import { rocLedgerStore } from './lib/stores.ts';
import { demoEvents, freshIds, tempDir } from './lib/workload.ts';

const total = argValue('events', 1_000_000);
const runs = argValue('runs', 3);
const [mode, path] = process.argv.slice(2) as [string, string];

const fill = async (events: number, seed: string) => {
  const { store } = rocLedgerStore(path);
  const chunk = Math.min(100_000, events);
  for (let done = 0; done < events; done += chunk) {
    const batch = freshIds(demoEvents(chunk, `${seed}-${done}`));
    for (let i = 0; i < chunk; i += 1000) await store.append(`customer-${seed}${(done + i) / 1000}`, batch.slice(i, i + 1000));
  }
  return store;
};

if (mode === '--fill') {
  await (await fill(total, 'm')).close();
} else if (mode === '--build') {
  // Child: one tree built from the log, in a process of its own so that its peak RSS is its own.
  const tileHeight = Number(process.argv[4]);
  const { store } = rocLedgerStore(path);
  const started = performance.now();
  const { tree, size, recordedAt } = await merkleTreeOf(store, { tileHeight });
  const digest = await merkleDigestOf(tree, recordedAt, size);
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, rss: peakRssMb(), root: digest.root, size }));
  await store.close();
} else if (mode === '--proofs') {
  const { store } = rocLedgerStore(path);
  const { tree, size } = await merkleTreeOf(store);
  const root = await tree.root(size);
  // Leaves spread over the log, so nearly every proof reads its tile again (eight tiles are kept between proofs).
  const latencies: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const index = (i * 7919 * 127) % size;
    const started = performance.now();
    const proof = await tree.inclusionProof(index, size);
    latencies.push(performance.now() - started);
    if (i % 100 === 0) {
      const { body } = (await storedRecordAt(store, index + 1))!;
      if (!verifyInclusion(leafHash(body).toString('hex'), index, size, proof, root)) throw new Error(`the proof of leaf ${index} does not hold`);
    }
  }
  emit({ case: 'merkle-inclusion-proof', impl: 'roc-ledger', events: size, seconds: latencies.reduce((a, b) => a + b, 0) / 1000, events_per_s: 0, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99), runs: 1000, note: '1,000 proofs of leaves spread over the log, each reading its tile of 256 events again' });

  // The tree `serve` keeps: built once, then each digest reads only what was appended since.
  const follow = followMerkleTree(store);
  let started = performance.now();
  await follow();
  const first = (performance.now() - started) / 1000;
  const appended = await fill(1000, 'later');
  started = performance.now();
  const after = await follow();
  const digest = await merkleDigestOf(after.tree, after.recordedAt, after.size);
  const seconds = (performance.now() - started) / 1000;
  if (digest.size !== size + 1000) throw new Error(`the kept tree holds ${digest.size} events, not ${size + 1000}`);
  emit({ case: 'merkle-digest-kept-tree', impl: 'roc-ledger', events: 1000, seconds, events_per_s: 1000 / seconds, runs: 1, note: `a digest on the tree serve keeps, after 1,000 appends to a log of ${size.toLocaleString('en')} (its first digest after a start: ${first.toFixed(2)} s)` });
  await appended.close();
  await store.close();
} else {
  const temp = tempDir('merkle');
  const path = temp.file('events.db');
  const child = (...args: string[]) => {
    const run = spawnSync(process.execPath, [import.meta.filename, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`merkle child ${args[0]} failed: ${run.status}`);
    return run.stdout;
  };
  child('--fill', path, '--events', String(total));
  // The two layouts alternated, each build in a process of its own; both must give the same root.
  const builds = new Map<number, { seconds: number; rss: number; root: string; size: number }[]>([[8, []], [0, []]]);
  for (let run = 0; run < runs; run++) for (const height of builds.keys()) builds.get(height)!.push(JSON.parse(child('--build', path, String(height)).trim().split('\n').pop()!));
  const roots = new Set([...builds.values()].flat().map((b) => b.root));
  if (roots.size !== 1) throw new Error(`the layouts gave different roots: ${[...roots].join(', ')}`);
  for (const [height, results] of builds) {
    const seconds = median(results.map((r) => r.seconds));
    const impl = height === 0 ? 'every-hash-kept' : 'tiles-of-256';
    emit({ case: 'merkle-tree-build', impl, events: results[0]!.size, seconds, events_per_s: results[0]!.size / seconds, peak_rss_mb: Math.max(...results.map((r) => r.rss)), runs, note: `read the log and hash it into the tree, then its root; ${height === 0 ? 'every hash kept in memory, packed 32 bytes each (tile height 0)' : 'one hash kept per tile of 256 leaves and above'}` });
  }
  process.stdout.write(child('--proofs', path));
  temp.remove();
}
