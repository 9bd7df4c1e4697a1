import { withholdPersonalFields } from '@roc-ledger/events';
import { withinCut, type Cut } from './cut.ts';
import { NO_PERSONAL_DATA, type EventStore, type RecordedEvent } from './types.ts';

export interface WithheldRead {
  /** Only these event types (every type without). */
  readonly types?: readonly string[];
  readonly cut?: Cut;
  /** Events after this position (default 0: from the first). */
  readonly after?: number;
  /** No event after this position (a head read before, so that a read ends where it was asked to). */
  readonly through: number;
  /** Told each position read, in the cut or not (progress). */
  readonly onRead?: (position: number) => void;
}

/**
 * The log's events in log order, as readers see them (upcast), of these types and in the cut,
 * each with every personal value withheld: what may leave the ledger for tools that are not
 * allowed personal data (`export`, `GET /v1/events`). No personal value is opened to do it.
 */
export async function* readWithheld(store: EventStore, options: WithheldRead): AsyncGenerator<RecordedEvent> {
  const inCut = withinCut(options.cut ?? {});
  for await (const event of store.readAll({ fromPosition: (options.after ?? 0) + 1, ...(options.types ? { types: options.types } : {}), openPersonalData: NO_PERSONAL_DATA })) {
    if (event.globalPosition > options.through) return;
    options.onRead?.(event.globalPosition);
    if (inCut(event)) yield withholdPersonalFields(event);
  }
}
