/** One CustomersMerged event as the merge map keeps it: who folded into whom, and when. */
export interface MergeRecord {
  readonly survivorId: string;
  readonly mergedId: string;
  readonly globalPosition: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
}

/**
 * Which customer ids have been folded into which, following merges in log order. A merge of
 * two ids already one customer changes nothing. Shared by identity resolution, histories and
 * the projection runtime, so that all three see the same customers.
 */
export class MergeMap {
  private readonly mergedInto = new Map<string, string>();
  private readonly membersOf = new Map<string, string[]>();
  private readonly applied: MergeRecord[] = [];

  /** A map holding only the merges `keep` accepts (for a cut by valid or transaction time). */
  static of(records: Iterable<MergeRecord>, keep: (record: MergeRecord) => boolean = () => true): MergeMap {
    const map = new MergeMap();
    for (const record of records) if (keep(record)) map.apply(record);
    return map;
  }

  /** Folds one merge. Returns false when the two ids were already one customer. */
  apply(record: MergeRecord): boolean {
    const survivor = this.canonical(record.survivorId);
    const merged = this.canonical(record.mergedId);
    if (survivor === merged) return false;
    this.mergedInto.set(merged, survivor);
    const members = this.membersOf.get(survivor) ?? [survivor];
    members.push(...(this.membersOf.get(merged) ?? [merged]));
    this.membersOf.set(survivor, members);
    this.membersOf.delete(merged);
    this.applied.push(record);
    return true;
  }

  /** The surviving customer id for any customer id. */
  canonical(customerId: string): string {
    let id = customerId;
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next;
    return id;
  }

  /** Every id folded into this customer's survivor, the survivor first. */
  members(customerId: string): readonly string[] {
    const survivor = this.canonical(customerId);
    return this.membersOf.get(survivor) ?? [survivor];
  }

  /** The merges that changed something, in the order applied. */
  records(): readonly MergeRecord[] {
    return this.applied;
  }
}
