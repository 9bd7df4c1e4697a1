import { AsyncLocalStorage } from 'node:async_hooks';
import { generateDemo, type DemoOptions } from '@roc-ledger/demo';
import { digestOf, verifyLog } from '@roc-ledger/ledger';
import { ExitCode } from '../exitCodes.ts';
import { runImport, type ImportItem } from '../import/runImport.ts';
import { openIngestor, openLedger } from '../openLedger.ts';
import { writeOut } from '../output/writeOut.ts';
import { formatRejection, formatSummary } from './importCommand.ts';
import { formatVerify } from './integrityCommands.ts';
import { formatLedgerSummary, summarizeLedger } from './summary.ts';

export interface DemoFlags {
  customers: number;
  years: number;
  seed: string;
  start?: string;
  currency?: string;
}

const demoOptions = (flags: DemoFlags): DemoOptions => ({ customers: flags.customers, years: flags.years, seed: flags.seed, ...(flags.start ? { start: flags.start } : {}), ...(flags.currency ? { currency: flags.currency } : {}) });

/** NDJSON of a simulated history, in arrival order, to a file or standard output. */
export const demoGenerateCommand = async (flags: DemoFlags & { out?: string }): Promise<number> => {
  await writeOut(flags.out, generateDemo(demoOptions(flags)).map(({ event }) => `${JSON.stringify(event)}\n`));
  return ExitCode.ok;
};

/**
 * Loads a simulated history into the ledger as if it had been running all along: each event
 * is appended when the simulation says it reached the ledger, so transaction times (and late
 * store uploads) look like a real history. Then prints a summary and the verify result.
 * Loading the same options again stores nothing new: every event id is already there.
 */
export const demoLoadCommand = async (flags: DemoFlags & { dataDir?: string }): Promise<number> => {
  // Each event is ingested in the context of its own simulated arrival time, which the ledger's
  // clock reads whenever that event reaches the store (after any wait behind its customer's registration).
  const arrival = new AsyncLocalStorage<number>();
  const clock = () => new Date(arrival.getStore() ?? 0);
  const ledger = openLedger(flags.dataDir, clock, { create: true });
  const { store, dataDir } = ledger;
  // Money in the ledger's reporting currency: the only one it takes.
  const options = demoOptions({ ...flags, currency: ledger.contract.reportingCurrency });
  try {
    const ingestor = await openIngestor(ledger, clock);
    const arrivals = new Map<number, number>();
    let line = 0;
    const items = (function* (): Generator<ImportItem> {
      for (const { event, arrivesAt } of generateDemo(options)) {
        arrivals.set(++line, arrivesAt);
        yield { line, text: JSON.stringify(event) };
      }
    })();
    const started = performance.now();
    let lastArrival = 0;
    const imported = await runImport(ingestor, items, {
      // Transaction time rises along the log: an event queued behind its customer's registration
      // must reach the store before events that arrived minutes later, or it would inherit their time.
      before: async (item) => {
        const at = arrivals.get(item.line)!;
        if (at - lastArrival > 60_000) await ingestor.whenNoneWaiting();
        lastArrival = at;
      },
      around: (item, ingest) => {
        const at = arrivals.get(item.line)!;
        arrivals.delete(item.line);
        return arrival.run(at, ingest);
      },
      onRejected: (r) => process.stderr.write(`${formatRejection(r)}\n`),
    });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`demo: ${flags.customers} customers over ${flags.years} year(s), seed ${flags.seed}, into ${dataDir}\n`);
    process.stdout.write(`${formatSummary(imported)} in ${seconds.toFixed(1)} s\n\n`);
    process.stdout.write(`${formatLedgerSummary(await summarizeLedger(store))}\n\n`);
    const verified = await verifyLog(store.readStoredRecords({ pageSize: 2048 }));
    process.stdout.write(`${formatVerify(verified)}\n`);
    process.stdout.write(`digest: ${JSON.stringify(digestOf(await store.head()))}\n`);
    return imported.rejected > 0 ? ExitCode.inputRejected : verified.ok ? ExitCode.ok : ExitCode.integrityFailed;
  } finally {
    await store.close();
  }
};
