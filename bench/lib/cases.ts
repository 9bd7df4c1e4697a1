/**
 * Every bench case: its file in bench/ and its arguments. `quick`: fewer runs and events, a smoke
 * check (what `npm run bench -- --quick` and test/bench/quick.e2e.spec.ts run).
 */
export const benchCases = (quick: boolean): [file: string, args: string[]][] => {
  const runs = quick ? ['--runs', '1'] : ['--runs', '5'];
  return [
    ['append-durable.bench.ts', ['--writers', '1', ...runs]],
    ['append-durable.bench.ts', ['--writers', '16', ...runs]],
    ['append-batch.bench.ts', [...runs, ...(quick ? ['--events', '20000'] : [])]],
    ['read-all.bench.ts', [...runs, ...(quick ? ['--events', '20000'] : [])]],
    ['read-stream.bench.ts', runs],
    ['read-all-rss.bench.ts', quick ? ['--events', '50000'] : []],
    ['eventstoredb-store.bench.ts', [...runs, ...(quick ? ['--events', '16000'] : [])]],
    ['sqlite-drivers.bench.ts', [...runs, ...(quick ? ['--events', '20000'] : [])]],
    ['sqlite-floor.bench.ts', quick ? ['--rows', '50000', '--runs', '1'] : ['--runs', '3']],
    ['http-ingest.bench.ts', quick ? ['--seconds', '3', '--runs', '1'] : ['--seconds', '10', '--runs', '3']],
    ['kafka-ingest.bench.ts', quick ? ['--events', '50000'] : []],
    ['equity.bench.ts', quick ? ['--customers', '1000', '--runs', '1'] : ['--runs', '3']],
    ['privacy.bench.ts', quick ? ['--events', '20000', '--runs', '1', '--erasures', '5'] : ['--runs', '5']],
    ['projections.bench.ts', quick ? ['--customers', '1000', '--years', '1', '--runs', '1'] : ['--runs', '3']],
    ['merkle.bench.ts', quick ? ['--events', '50000', '--runs', '1'] : ['--runs', '3']],
    ['projector-shards.bench.ts', quick ? ['--customers', '500', '--years', '1', '--runs', '1'] : ['--runs', '3']],
    ['dashboard.bench.ts', quick ? ['--customers', '1000', '--runs', '1'] : ['--customers', '100000', '--years', '1', '--runs', '7']],
  ];
};
