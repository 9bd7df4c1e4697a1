import { RocLedgerError } from '@roc-ledger/events';
import { ProjectionsErrorCode } from '../errors.ts';

/** One of `count` shards a projection's partitions are split into. */
export interface ShardAssignment {
  readonly index: number;
  readonly count: number;
}

/** A shard held under a lease: commits carry the owner and epoch, and fail once another instance has taken the shard. */
export interface ShardFence extends ShardAssignment {
  readonly owner: string;
  readonly epoch: number;
}

/**
 * The shard a partition belongs to: FNV-1a over its UTF-16 code units, modulo the count. Stable
 * across processes, machines and releases (it decides where states live), so never change it.
 */
export const shardOf = (partition: string, count: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < partition.length; i++) {
    hash ^= partition.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
};

/** Whether a partition is this shard's to fold. */
export const ownedBy = (shard: ShardAssignment) => (partition: string): boolean => shardOf(partition, shard.count) === shard.index;

export const shardLabel = (shard: ShardAssignment): string => `${shard.index + 1}/${shard.count}`;

/**
 * A commit by an instance that no longer holds the shard's lease (another instance took it after
 * the lease expired), or for a version that was dropped meanwhile. Nothing of the commit is
 * stored; the instance stops folding that shard, and the holder resumes from the stored checkpoint.
 */
export class ShardFencedError extends RocLedgerError {
  readonly key: string;
  readonly shard: ShardFence;

  constructor(key: string, shard: ShardFence, reason: string) {
    super(ProjectionsErrorCode.shardFenced, `${key} shard ${shardLabel(shard)}: commit refused (${reason}); the shard's current holder carries on from the stored checkpoint`);
    this.key = key;
    this.shard = shard;
  }
}

/** Projector instances started with another shard count than the one the read models hold. */
export class ShardCountMismatchError extends RocLedgerError {
  constructor(message: string) {
    super(ProjectionsErrorCode.shardCount, message);
  }
}

/** A shard held by this instance until it renews or loses it. */
export interface Lease {
  readonly index: number;
  readonly epoch: number;
}

/**
 * Leases on shards, shared by every projector instance (PostgreSQL): an instance folds a shard
 * only while it holds the shard's lease, and each taking of a lease raises its epoch, which fences
 * the previous holder's commits.
 */
export interface ShardLeases {
  /** Creates the `count` leases if missing; fails if they exist for another count and one is held. */
  prepare(count: number): Promise<void>;
  /** Records the instance alive for `ttlMs`; answers how many instances are alive, itself included. */
  heartbeat(owner: string, ttlMs: number): Promise<number>;
  /** Extends the leases the instance still holds, and returns them; one another instance took is missing. */
  renew(owner: string, held: readonly Lease[], ttlMs: number): Promise<Lease[]>;
  /** Takes up to `max` shards that are free or whose lease has expired, each under a new epoch. */
  acquire(owner: string, max: number, ttlMs: number): Promise<Lease[]>;
  release(owner: string, lease: Lease): Promise<void>;
  /** The instance is gone: its member record goes (its leases are released one by one before). */
  leave(owner: string): Promise<void>;
}

/** A shard's checkpoint as stored, with the instance holding its lease (if any holds it now). */
export interface ShardRow extends ShardAssignment {
  readonly position: number;
  readonly recordedAt: string | null;
  readonly status: 'building' | 'live' | 'failed';
  readonly owner: string | null;
}
