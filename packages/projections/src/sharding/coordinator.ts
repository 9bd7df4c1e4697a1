import { shardLabel, type Lease, type ShardLeases } from './shards.ts';

export interface CoordinatorOptions {
  readonly leases: ShardLeases;
  /** This instance's name among the projectors: unique, e.g. host and pid. */
  readonly owner: string;
  readonly count: number;
  /** A lease not renewed for this long may be taken by another instance (default 15,000 ms). */
  readonly ttlMs?: number;
  /**
   * Folds exactly these shards from now on, from their stored checkpoints; what it folded of
   * shards no longer among them is committed first (refused by the fence for a shard lost).
   */
  readonly assign: (leases: readonly Lease[]) => Promise<void>;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Shares a projection's shards among the projector instances alive: each instance renews its
 * leases every third of the lease's time; it takes free or expired shards up to its fair share
 * (the shard count over the instances alive, rounded up) and gives back what it holds above it,
 * committed first, so that an instance joining gets work and one that dies has its shards taken
 * once its leases expire. The lease's epoch fences a slow former holder's commits.
 */
export class ShardCoordinator {
  private readonly options: CoordinatorOptions;
  private readonly held = new Map<number, Lease>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  /** Assignments run one after another, in the order asked. */
  private assigning: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: CoordinatorOptions) {
    this.options = options;
  }

  get ttlMs(): number {
    return this.options.ttlMs ?? 15_000;
  }

  /** The shards this instance folds now. */
  get shards(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    await this.options.leases.prepare(this.options.count);
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(100, Math.floor(this.ttlMs / 3)));
  }

  /** A commit was fenced: the shard is someone else's now. Never waits: it is called from inside a commit. */
  lost(index: number): void {
    if (!this.held.delete(index)) return;
    this.options.log?.('shard lease lost; another projector instance folds it now', { shard: shardLabel({ index, count: this.options.count }) });
    void this.assign().catch((error) => this.options.log?.('reassigning shards failed', { error: String(error) }));
  }

  tick(): Promise<void> {
    this.ticking ??= this.rebalance()
      .catch((error) => this.options.log?.('shard leases could not be renewed; retrying', { error: String(error) }))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private assign(): Promise<void> {
    const leases = [...this.held.values()].sort((a, b) => a.index - b.index);
    this.assigning = this.assigning.catch(() => undefined).then(() => this.options.assign(leases));
    return this.assigning;
  }

  private async rebalance(): Promise<void> {
    const { leases, owner, count } = this.options;
    if (this.stopped) return;
    const members = await leases.heartbeat(owner, this.ttlMs);
    const kept = new Set((await leases.renew(owner, [...this.held.values()], this.ttlMs)).map((l) => l.index));
    for (const index of [...this.held.keys()]) if (!kept.has(index)) this.lost(index);
    const share = Math.ceil(count / Math.max(1, members));
    const surplus = this.shards.slice(share).map((index) => this.held.get(index)!);
    if (surplus.length > 0) {
      for (const lease of surplus) this.held.delete(lease.index);
      // Folded and committed up to now before another instance may take them.
      await this.assign();
      for (const lease of surplus) {
        await leases.release(owner, lease);
        this.options.log?.('shard handed back for another projector instance', { shard: shardLabel({ index: lease.index, count }), members });
      }
    }
    if (this.held.size >= share || this.stopped) return;
    const taken = await leases.acquire(owner, share - this.held.size, this.ttlMs);
    if (taken.length === 0) return;
    for (const lease of taken) {
      this.held.set(lease.index, lease);
      this.options.log?.('shard taken', { shard: shardLabel({ index: lease.index, count }), epoch: lease.epoch, members });
    }
    try {
      await this.assign();
    } catch (error) {
      // Not folded here, so not held: another instance (or the next tick) takes them.
      for (const lease of taken) {
        this.held.delete(lease.index);
        await leases.release(owner, lease).catch(() => undefined);
      }
      throw error;
    }
  }

  /** Commits and hands back every shard held, then leaves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    const held = [...this.held.values()];
    this.held.clear();
    await this.assign();
    for (const lease of held) await this.options.leases.release(this.options.owner, lease).catch(() => undefined);
    await this.options.leases.leave(this.options.owner).catch(() => undefined);
  }
}
