import type { ContractIssue } from '@roc-ledger/events';
import type { Ingestor, IngestResult } from '@roc-ledger/ingest';
import { CliErrorCode } from '../errors.ts';

export interface ImportItem {
  /** 1-based line number in the input. */
  readonly line: number;
  readonly text: string;
}

export interface Rejection {
  readonly line: number;
  readonly eventId: string | undefined;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly ContractIssue[];
}

export interface ImportSummary {
  lines: number;
  blank: number;
  appended: number;
  duplicates: number;
  /** Registrations, links and merges the ledger recorded while resolving customers. */
  identityEvents: number;
  rejected: number;
  /** The first rejections in line order (capped); `rejected` counts them all. */
  rejections: Rejection[];
}

export interface ImportOptions {
  /** Appends in flight at once; the store commits them in groups, in submission order. */
  readonly window?: number;
  readonly maxRejectionsKept?: number;
  readonly onRejected?: (rejection: Rejection) => void;
  /** Wraps each event's ingestion (the demo runs it in the context of its simulated arrival time). */
  readonly around?: <T>(item: ImportItem, ingest: () => Promise<T>) => Promise<T>;
  /** Awaited before each event is handed over. */
  readonly before?: (item: ImportItem) => Promise<void> | void;
  readonly onProgress?: (summary: ImportSummary) => void;
}

const asRejection = (line: number, eventId: string | undefined, error: unknown): Rejection => {
  const { code, message, issues, path } = error as { code?: string; message?: string; issues?: ContractIssue[]; path?: string };
  const located = issues ?? (path ? [{ path, message: message!.slice(path.length + 2) }] : undefined);
  return { line, eventId, code: code ?? 'UNKNOWN', message: message ?? String(error), ...(located ? { issues: located } : {}) };
};

/**
 * Ingests one event per line, resolving customers as every channel's events are. A bad line is
 * reported with its number and reason and does not stop the lines around it; an event already
 * stored is acknowledged, not stored again.
 */
export const runImport = async (
  ingestor: Ingestor,
  items: AsyncIterable<ImportItem> | Iterable<ImportItem>,
  options: ImportOptions = {},
): Promise<ImportSummary> => {
  const window = options.window ?? 256;
  const keep = options.maxRejectionsKept ?? 1000;
  const summary: ImportSummary = { lines: 0, blank: 0, appended: 0, duplicates: 0, identityEvents: 0, rejected: 0, rejections: [] };
  const inFlight = new Set<Promise<void>>();

  const reject = (rejection: Rejection) => {
    summary.rejected++;
    if (summary.rejections.length < keep) summary.rejections.push(rejection);
    options.onRejected?.(rejection);
  };

  for await (const item of items) {
    summary.lines++;
    if (item.text.trim() === '') {
      summary.blank++;
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(item.text);
    } catch (error) {
      reject({ line: item.line, eventId: undefined, code: CliErrorCode.notJson, message: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const eventId = typeof (raw as { eventId?: unknown })?.eventId === 'string' ? (raw as { eventId: string }).eventId : undefined;
    await options.before?.(item);
    const ingest = () => ingestor.ingest(raw);
    const pending = (options.around ? options.around(item, ingest) : ingest()).then(
      (result: IngestResult) => {
        if (result.duplicate) summary.duplicates++;
        else summary.appended++;
        summary.identityEvents += result.identityEvents.length;
      },
      (error: unknown) => reject(asRejection(item.line, eventId, error)),
    );
    const tracked = pending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= window) {
      await Promise.race(inFlight);
      options.onProgress?.(summary);
    }
  }
  await Promise.all(inFlight);
  summary.rejections.sort((a, b) => a.line - b.line);
  options.onProgress?.(summary);
  return summary;
};
