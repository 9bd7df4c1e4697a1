import { resolve } from 'node:path';
import { EVENT_TYPES, withholdPersonalFields } from '@roc-ledger/events';
import { NO_PERSONAL_DATA, type EventStore } from '@roc-ledger/ledger';
import { withinCut, type Cut } from '@roc-ledger/projections';
import { parseCut } from '../dates.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { openLedger } from '../openLedger.ts';
import { logProgress } from '../output/progress.ts';
import { writeOut } from '../output/writeOut.ts';

export interface ExportOptions {
  dataDir?: string;
  out?: string;
  /** Comma-separated event types. */
  types?: string;
  asOf?: string;
  knownAt?: string;
}

/** The types asked for, each checked against the catalogue; undefined for every type. */
const typesFrom = (list: string | undefined): string[] | undefined => {
  if (list === undefined) return undefined;
  const types = [...new Set(list.split(',').map((type) => type.trim()).filter(Boolean))];
  const unknown = types.filter((type) => !(EVENT_TYPES as readonly string[]).includes(type));
  if (types.length === 0 || unknown.length > 0) {
    throw new CliError(CliErrorCode.unknownEventType, `--types ${JSON.stringify(list)}: ${unknown.length > 0 ? `no event type ${unknown.join(', ')} in the catalogue` : 'no type given'} (types: ${EVENT_TYPES.join(', ')})`);
  }
  return types;
};

/**
 * The log's events in log order, one JSON object a line, each as readers see it (upcast to its
 * type's current schema version, with the ledger's fields and chain hash), in the cut, with every
 * personal value withheld. Counts what it wrote into `written`.
 */
async function* exportedLines(store: EventStore, types: string[] | undefined, cut: Cut, head: number, written: { events: number }): AsyncGenerator<string> {
  const inCut = withinCut(cut);
  const { update, stop } = logProgress('export', head);
  try {
    // Personal values stay sealed: none is opened, and each is then withheld.
    for await (const event of store.readAll({ ...(types ? { types } : {}), openPersonalData: NO_PERSONAL_DATA })) {
      if (event.globalPosition > head) break;
      update?.(event.globalPosition);
      if (!inCut(event)) continue;
      written.events++;
      yield `${JSON.stringify(withholdPersonalFields(event))}\n`;
    }
  } finally {
    stop();
  }
}

/** `export`: the log as NDJSON for tools outside roc-ledger (DuckDB, pandas, a warehouse), without personal data. */
export const exportCommand = async (options: ExportOptions): Promise<number> => {
  const types = typesFrom(options.types);
  const cut = parseCut(options);
  const ledger = openLedger(options.dataDir);
  try {
    const head = await ledger.store.head();
    const written = { events: 0 };
    const started = performance.now();
    await writeOut(options.out, exportedLines(ledger.store, types, cut, head.position, written));
    const seconds = (performance.now() - started) / 1000;
    const cutText = [cut.asOf ? `occurred by ${cut.asOf.toISOString()}` : '', cut.knownAt ? `recorded by ${cut.knownAt.toISOString()}` : ''].filter(Boolean).join(', ');
    process.stderr.write(
      `export: ${written.events} event(s)${types ? ` of ${types.join(', ')}` : ''}${cutText ? `, ${cutText}` : ''}, of positions 1..${head.position}, personal values withheld, in ${seconds.toFixed(1)} s${options.out ? `; written to ${resolve(options.out)}` : ''}\n`,
    );
    return ExitCode.ok;
  } finally {
    await ledger.store.close();
  }
};
