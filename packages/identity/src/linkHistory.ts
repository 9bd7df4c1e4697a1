import { MergeMap, type MergeRecord } from './mergeMap.ts';

/**
 * A cut of the log: the events that had happened by `asOf` (valid time) and were recorded by
 * `knownAt` (transaction time), both epoch ms; an absent bound cuts nothing.
 */
export interface LogCut {
  readonly asOf?: number;
  readonly knownAt?: number;
}

/** An event's two times, as the cut compares them. */
export interface Timed {
  readonly occurredMs: number;
  readonly recordedMs: number;
}

/** Whether an event falls in the cut. */
export const inCut = (event: Timed, cut: LogCut): boolean => (cut.asOf === undefined || event.occurredMs <= cut.asOf) && (cut.knownAt === undefined || event.recordedMs <= cut.knownAt);

/** When an event happened and was recorded, parsed once. */
export const timesOf = (event: { readonly occurredAt: string; readonly recordedAt: string }): Timed => ({ occurredMs: Date.parse(event.occurredAt), recordedMs: Date.parse(event.recordedAt) });

/** An identifier linked, by the customer whose stream recorded the link. */
interface TimedLink extends Timed {
  readonly customerId: string;
  readonly position: number;
}

interface TimedMerge extends Timed {
  readonly record: MergeRecord;
  readonly position: number;
}

/** Inserts in position order (nearly always at the end); an entry already there for the position is kept. */
const insertByPosition = <T extends { readonly position: number }>(entries: T[], entry: T): void => {
  let at = entries.length;
  while (at > 0 && entries[at - 1]!.position > entry.position) at--;
  if (at > 0 && entries[at - 1]!.position === entry.position) return;
  entries.splice(at, 0, entry);
};

/**
 * What the resolver knows of identifiers: every identifier's links, and every merge (those that
 * changed nothing too: in a cut without an earlier merge, they may). It answers what an identifier
 * names now (the cut of everything) and in any cut of the log, without folding the log again.
 *
 * Equivalent to folding a new resolver over the cut's events (test/ingest/resolveAt.int.spec.ts
 * checks it against that fold): an identifier names the customer of its last link in the cut,
 * followed through the cut's merges. Erasure needs no time of its own: it drops the links of
 * the customers whose keys it destroyed, because from then on the log cannot say what they were
 * in any cut (sealed, they read as erased); every link an erasure undid in a fold is one of those.
 */
export class LinkHistory {
  /** Each identity key's links in log order. */
  private readonly byKey = new Map<string, TimedLink[]>();
  /** The identity keys each customer's stream has linked: what an erasure drops. */
  private readonly keysByCustomer = new Map<string, Set<string>>();
  private readonly erased = new Set<string>();
  private readonly merges: TimedMerge[] = [];

  /**
   * Notes a link stored at a position. A link may be told late (after later events), or twice:
   * it takes its place by position, once. Links of erased customers are not kept.
   */
  link(key: string, customerId: string, position: number, times: Timed): void {
    if (this.erased.has(customerId)) return;
    const link = { customerId, position, occurredMs: times.occurredMs, recordedMs: times.recordedMs };
    const links = this.byKey.get(key);
    if (!links) this.byKey.set(key, [link]);
    else insertByPosition(links, link);
    const keys = this.keysByCustomer.get(customerId);
    if (keys) keys.add(key);
    else this.keysByCustomer.set(customerId, new Set([key]));
  }

  /** Whether the customer's keys were destroyed: its stream's links name nobody. */
  isErased(customerId: string): boolean {
    return this.erased.has(customerId);
  }

  /** Notes a merge; like a link, it takes its place by position, once. */
  merge(record: MergeRecord, times: Timed): void {
    insertByPosition(this.merges, { record, position: record.globalPosition, occurredMs: times.occurredMs, recordedMs: times.recordedMs });
  }

  /** Forgets every link these customers' streams recorded. */
  erase(members: readonly string[]): void {
    for (const customerId of members) {
      this.erased.add(customerId);
      for (const key of this.keysByCustomer.get(customerId) ?? []) {
        const kept = this.byKey.get(key)!.filter((link) => link.customerId !== customerId);
        if (kept.length > 0) this.byKey.set(key, kept);
        else this.byKey.delete(key);
      }
      this.keysByCustomer.delete(customerId);
    }
  }

  /** The customer (not yet followed through merges) an identity key named in the cut, if any. */
  linkedAt(key: string, cut: LogCut): string | undefined {
    const links = this.byKey.get(key);
    if (!links) return undefined;
    for (let i = links.length - 1; i >= 0; i--) if (inCut(links[i]!, cut)) return links[i]!.customerId;
    return undefined;
  }

  /** The merges recorded in the cut. */
  mergesAt(cut: LogCut): MergeMap {
    return MergeMap.of(this.merges.filter((merge) => inCut(merge, cut)).map((merge) => merge.record));
  }
}
