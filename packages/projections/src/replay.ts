import { MergeMap } from '@roc-ledger/identity';
import { customerStreamId, withinCut, type Cut, type EventStore, type RecordedEvent } from '@roc-ledger/ledger';
import { personalDataRead, projectionKey, typesRead, type ProjectionDefinition } from './definition.ts';
import { consentDecisions, consentHeld } from './consent.ts';
import { foldAll, handlerFor } from './fold.ts';
import { getSqliteReadModelStore } from './readModel/sqliteReadModelStore.ts';
import type { ReadModelStore } from './readModel/types.ts';
import { mergeStep } from './runner.ts';
import { ProjectionWorker } from './worker.ts';

export { withinCut, type Cut };

/** Whether a cut leaves anything out: without bounds, every event is in it. */
const bounded = (cut: Cut): boolean => cut.asOf !== undefined || cut.knownAt !== undefined;

/** The test of what a cut keeps, or undefined when it keeps every event (so that nothing is tested per event). */
export const keepOf = (cut: Cut | undefined) => (cut && bounded(cut) ? withinCut(cut) : undefined);

export interface ReplayedPartition<S> {
  readonly partition: string;
  readonly state: S;
  readonly events: number;
}

/**
 * One customer's state in a cut, folded from the log with nothing stored for it: the merges
 * within the cut decide whose streams are one customer, and their events within the cut are
 * folded in log order. Undefined when no event of the customer is in the cut.
 */
export const replayCustomer = async <S>(store: EventStore, definition: ProjectionDefinition<S>, merges: MergeMap, customerId: string, cut: Cut): Promise<ReplayedPartition<S> | undefined> => {
  const keep = withinCut(cut);
  const cutMerges = MergeMap.of(merges.records(), keep);
  const canonical = cutMerges.canonical(customerId);
  const streams = await Promise.all(cutMerges.members(canonical).map((id) => store.readStream(customerStreamId(id))));
  const events = streams
    .flatMap((stream) => stream.events)
    .filter((event) => keep(event))
    .sort((a, b) => a.globalPosition - b.globalPosition);
  if (events.length === 0) return undefined;
  const decisions = definition.purpose ? consentDecisions(events, definition.purpose) : [];
  // A customer who never decided on the projection's purpose is not in it at all.
  if (definition.purpose && decisions.length === 0) return undefined;
  const visible = (e: RecordedEvent) => !definition.purpose || consentHeld(decisions, Date.parse(e.occurredAt));
  const folded = foldAll(definition, projectionKey(definition), events.filter((e) => handlerFor(definition, e.type) !== undefined && visible(e)));
  return { partition: canonical, state: folded.value as S, events: events.length };
};

export interface ReplayOptions {
  readonly onEvent?: (event: RecordedEvent) => void;
  readonly commitEvery?: number;
  /** Last position to read (default: the head when it starts). */
  readonly upTo?: number;
}

export interface Replayed {
  readonly readModels: ReadModelStore;
  readonly key: string;
  readonly position: number;
  /** Events read from the log to get there: those of the types consumed (by every projection folded together). */
  readonly read: number;
}

/**
 * Every partition of a projection in a cut, folded from the whole log by the runtime's own
 * worker into a read-model store of its own (in memory by default): what `project run` and the
 * as-of queries of non-customer projections use. It commits every `commitEvery` events (default
 * 1,000,000) and at the end: each commit writes every state changed since the last, and an
 * in-memory store has no crash to survive, so commits only bound how many states are held parsed.
 */
export const replayAll = async <S>(store: EventStore, definition: ProjectionDefinition<S>, cut: Cut = {}, options: ReplayOptions & { readModels?: ReadModelStore } = {}): Promise<Replayed> =>
  (await foldTogether(store, [{ definition, readModels: options.readModels ?? getSqliteReadModelStore(':memory:') }], cut, options))[0]!;

/**
 * Several projections in the same cut, in one read of the log, each into an in-memory store of
 * its own (what `project diff` compares): the same states as replayAll gives each alone.
 */
export const replayEach = (store: EventStore, definitions: readonly ProjectionDefinition<any>[], cut: Cut = {}, options: ReplayOptions = {}): Promise<Replayed[]> =>
  foldTogether(store, definitions.map((definition) => ({ definition, readModels: getSqliteReadModelStore(':memory:') })), cut, options);

const foldTogether = async (store: EventStore, targets: readonly { definition: ProjectionDefinition<any>; readModels: ReadModelStore }[], cut: Cut, options: ReplayOptions): Promise<Replayed[]> => {
  const keep = keepOf(cut);
  const workers = targets.map(({ definition, readModels }) => new ProjectionWorker(definition, store, readModels, keep ? { keep } : {}));
  for (const worker of workers) await worker.open();
  const merges = new MergeMap();
  const commitEvery = options.commitEvery ?? 1_000_000;
  let folded = 0;
  const types = [...new Set(workers.flatMap((worker) => typesRead(worker.definition)))];
  // Each worker withholds the personal values its projection did not declare (fold.ts, eventFor).
  const personal = [...new Set(workers.flatMap((worker) => personalDataRead(worker.definition)))];
  const upTo = options.upTo ?? (await store.head()).position;
  // A page at a time: a promise per page rather than one per event.
  const read = store.readAll({ types, fromPosition: Math.min(...workers.map((worker) => worker.position)) + 1, openPersonalData: personal });
  reading: for await (const page of read.pages()) {
    for (const event of page) {
      if (event.globalPosition > upTo) break reading;
      options.onEvent?.(event);
      const step = event.type === 'CustomersMerged' && (keep?.(event) ?? true) ? mergeStep(merges, event) : undefined;
      for (const worker of workers) {
        // Synchronous for nearly every event (see ProjectionWorker.apply): awaited only when it must read first.
        const applying = worker.apply(event, merges, step);
        if (applying) await applying;
      }
      if (++folded % commitEvery === 0) for (const worker of workers) await worker.commit();
    }
  }
  for (const worker of workers) {
    worker.advanceTo(upTo, null);
    await worker.commit();
  }
  return workers.map((worker, i) => ({ readModels: targets[i]!.readModels, key: worker.key, position: worker.committedPosition, read: folded }));
};
