import { shardLabel, type Lease, type ShardLeases } from './shards.ts';

export interface CoordinatorOptions {
  readonly leases: ShardLeases;
  /** This instance's name among the projectors: unique, e.g. host and pid. */
  readonly owner: string;
  readonly count: number;
  /** A lease not renewed for this long may be taken by another instance (default 15,000 ms). */
  readonly ttlMs?: number;
  /** Starts folding a shard just taken, from its stored checkpoint. */
  readonly startShard: (lease: Lease) => Promise<void>;
  /** Stops folding a shard, committing what it folded (refused by the fence once the shard was lost). */
  readonly stopShard: (index: number) => Promise<void>;
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

  /** A commit was fenced: the shard is someone else's now. */
  lost(index: number): void {
    if (!this.held.delete(index)) return;
    this.options.log?.('shard lease lost; another projector instance folds it now', { shard: shardLabel({ index, count: this.options.count }) });
    void this.options.stopShard(index);
  }

  tick(): Promise<void> {
    this.ticking ??= this.rebalance()
      .catch((error) => this.options.log?.('shard leases could not be renewed; retrying', { error: String(error) }))
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async rebalance(): Promise<void> {
    const { leases, owner, count } = this.options;
    if (this.stopped) return;
    const members = await leases.heartbeat(owner, this.ttlMs);
    const kept = new Set((await leases.renew(owner, [...this.held.values()], this.ttlMs)).map((l) => l.index));
    for (const index of [...this.held.keys()]) if (!kept.has(index)) this.lost(index);
    const share = Math.ceil(count / Math.max(1, members));
    for (const index of this.shards.slice(share).reverse()) {
      const lease = this.held.get(index)!;
      this.held.delete(index);
      await this.options.stopShard(index);
      await leases.release(owner, lease);
      this.options.log?.('shard handed back for another projector instance', { shard: shardLabel({ index, count }), members });
    }
    if (this.held.size >= share || this.stopped) return;
    for (const lease of await leases.acquire(owner, share - this.held.size, this.ttlMs)) {
      this.held.set(lease.index, lease);
      this.options.log?.('shard taken', { shard: shardLabel({ index: lease.index, count }), epoch: lease.epoch, members });
      try {
        await this.options.startShard(lease);
      } catch (error) {
        // Not folded here, so not held: another instance (or the next tick) takes it.
        this.held.delete(lease.index);
        await leases.release(owner, lease).catch(() => undefined);
        throw error;
      }
    }
  }

  /** Commits and hands back every shard held, then leaves. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    for (const [index, lease] of this.held) {
      await this.options.stopShard(index);
      await this.options.leases.release(this.options.owner, lease).catch(() => undefined);
    }
    this.held.clear();
    await this.options.leases.leave(this.options.owner).catch(() => undefined);
  }
}
