import { statSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { ExitCode } from '../exitCodes.ts';
import { numberedLines, openInput } from '../import/lines.ts';
import { runImport, type ImportSummary, type Rejection } from '../import/runImport.ts';
import { openIngestor, openLedger } from '../openLedger.ts';

export const formatRejection = (r: Rejection): string => {
  const where = r.issues?.length ? r.issues.map((i) => `${i.path || '(event)'}: ${i.message}`).join('; ') : r.message;
  return `line ${r.line}${r.eventId ? ` (event ${r.eventId})` : ''}: ${r.code}: ${where}`;
};

export const formatSummary = (s: ImportSummary): string =>
  `read ${s.lines} line(s): ${s.appended} appended, ${s.duplicates} already stored, ${s.rejected} rejected${s.blank ? `, ${s.blank} blank` : ''}` +
  (s.identityEvents ? `; ${s.identityEvents} identity event(s) recorded` : '');

/** A progress bar on a terminal for files over a megabyte. */
const progressFor = (file: string, bytesRead: () => number) => {
  if (file === '-' || !process.stderr.isTTY) return undefined;
  const size = statSync(file).size;
  if (size < 1_000_000) return undefined;
  const bar = new SingleBar(
    { format: 'import |{bar}| {percentage}% | {appended} appended, {rejected} rejected | {speed} events/s | ETA {eta}s', stream: process.stderr },
    Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(size, 0, { appended: 0, rejected: 0, speed: 0 });
  return {
    update: (s: ImportSummary) => bar.update(bytesRead(), { appended: s.appended, rejected: s.rejected, speed: Math.round(s.lines / Math.max(0.001, (Date.now() - started) / 1000)) }),
    stop: () => bar.stop(),
  };
};

export const importCommand = async (file: string, options: { dataDir?: string; json?: boolean }): Promise<number> => {
  const ledger = openLedger(options.dataDir, undefined, { create: true });
  const { store } = ledger;
  try {
    const ingestor = await openIngestor(ledger);
    const lines = numberedLines(openInput(file));
    const progress = progressFor(file, lines.bytesRead);
    const summary = await runImport(ingestor, lines, {
      onRejected: (r) => {
        if (!options.json) process.stderr.write(`${formatRejection(r)}\n`);
      },
      ...(progress ? { onProgress: progress.update } : {}),
    });
    progress?.stop();
    process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    return summary.rejected > 0 ? ExitCode.inputRejected : ExitCode.ok;
  } finally {
    await store.close();
  }
};
