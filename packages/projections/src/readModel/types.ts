import type { Lease, ShardAssignment, ShardFence, ShardLeases, ShardRow } from '../sharding/shards.ts';

/** One partition's state as stored: the JSON bytes and the latest times among the events folded into it. */
export interface PartitionRecord {
  readonly partition: string;
  /** stateJson of the state: sorted keys, so equal states are equal bytes. */
  readonly state: string;
  /** Latest valid time (epoch ms) among the events folded in: an as-of cut at or after it changes nothing. */
  readonly maxOccurredMs: number;
  /** Latest transaction time (epoch ms) among them. */
  readonly maxRecordedMs: number;
}

export type ProjectionStatus = 'building' | 'live' | 'failed';

export interface ProjectionRow {
  /** name@version */
  readonly key: string;
  readonly name: string;
  readonly version: number;
  /** Checkpoint: the last global position folded; everything up to it is in the stored states. */
  readonly position: number;
  /** recordedAt of the event at the checkpoint. */
  readonly recordedAt: string | null;
  readonly status: ProjectionStatus;
  /** The version that answers queries for its name. */
  readonly active: boolean;
  /** Why it stopped, when status is failed (HandlerFailedError.toJSON()). */
  readonly error: Record<string, unknown> | null;
  readonly updatedAt: string;
}

export interface CommitBatch {
  /** Consumed once, inside the transaction; it may throw, which rolls the commit back. */
  readonly upserts: Iterable<PartitionRecord>;
  /** Partitions that no longer exist (a merged customer, folded into its survivor). */
  readonly deletes: readonly string[];
  readonly position: number;
  readonly recordedAt: string | null;
  readonly status?: ProjectionStatus;
  /**
   * A shard's commit: the states go under the projection's key as always, the checkpoint into the
   * shard's row, and (sharded projectors, with leases) only while the fence's lease is still held.
   */
  readonly shard?: ShardFence;
}

/**
 * Where projections keep their states and checkpoints. A commit is atomic: states and checkpoint
 * move together, so a crash leaves the states of some checkpoint, never a mix. SQLite by default;
 * the interface is async so that a networked store (PostgreSQL) can implement it.
 */
export interface ReadModelStore {
  rows(): Promise<ProjectionRow[]>;
  row(key: string): Promise<ProjectionRow | undefined>;
  /** Creates the row at position 0 (status building) unless it exists; returns it. */
  register(key: string, name: string, version: number): Promise<ProjectionRow>;
  load(key: string, partition: string): Promise<PartitionRecord | undefined>;
  /** True when the projection has no stored partition at all (a build from scratch need not look any up). */
  isEmpty(key: string): Promise<boolean>;
  commit(key: string, batch: CommitBatch): Promise<void>;
  /** With a shard, that shard's status (the projection's row then sums up its shards). */
  setStatus(key: string, status: ProjectionStatus, error?: Record<string, unknown> | null, shard?: ShardAssignment): Promise<void>;
  /** Makes this version the one that answers for its name; the other versions stop answering. */
  activate(key: string): Promise<void>;
  /**
   * Makes sure no replaced or deleted state survives in the store's files (write-ahead logs, free
   * pages): called after a commit that folded an erasure. False when it could not yet (another
   * process kept reading); the caller tries again after its next commit.
   */
  scrub(): Promise<boolean>;
  /** Removes a version's states and row. */
  drop(key: string): Promise<void>;
  /** Every partition of a projection, in partition order. */
  partitions(key: string): AsyncIterable<PartitionRecord>;
  /** Up to `limit` partition keys of a projection after `after` (from the first without), in partition order: no state read. */
  partitionKeys(key: string, page: { after?: string; limit: number }): Promise<string[]>;
  /** Analysts' projection modules registered with the service, so a restart loads them again. */
  modules(): Promise<{ path: string; name: string }[]>;
  addModule(name: string, path: string): Promise<void>;
  /** Unregisters a module: a restart no longer loads it. */
  removeModule(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Checkpoints kept per shard of a projection: each shard's states fold from its own checkpoint,
 * and the projection's row stands for all of them (its position the lowest shard checkpoint, its
 * status failed if one shard failed, live once all are).
 */
export interface ShardCheckpoints {
  /**
   * Registers the projection and its `count` shard checkpoints if missing (all at the projection's
   * position, so that a projection built unsharded carries on sharded), and answers this shard's.
   */
  registerShard(key: string, name: string, version: number, shard: ShardAssignment): Promise<{ position: number; recordedAt: string | null }>;
  /** A projection's shards, with the instance holding each (null when none holds it now). */
  shardRows(key: string): Promise<ShardRow[]>;
}

/**
 * A read-model store several projector instances share, each folding some shards of every
 * projection (PostgreSQL), under leases.
 */
export interface ShardedReadModelStore extends ReadModelStore, ShardCheckpoints {
  readonly leases: ShardLeases;
}

/**
 * Read models one process folds into, whose backfill threads may each fold one shard of the
 * customers (SQLite): no leases, the threads being the runtime's own.
 */
export interface ThreadShardedReadModelStore extends ReadModelStore, ShardCheckpoints {
  /**
   * When every shard of the projection stands at one position, its shard checkpoints go and the
   * projection folds unsharded from its own checkpoint, at that position: true. While they stand
   * apart nothing changes: false. True also for a projection that has no shards.
   */
  unshard(key: string): Promise<boolean>;
}

export const keepsShardCheckpoints = (store: ReadModelStore): store is ReadModelStore & ShardCheckpoints => 'registerShard' in store && 'shardRows' in store;
export const isSharded = (store: ReadModelStore): store is ShardedReadModelStore => keepsShardCheckpoints(store) && 'leases' in store;
export const foldsShardsOnThreads = (store: ReadModelStore): store is ThreadShardedReadModelStore => keepsShardCheckpoints(store) && 'unshard' in store && !('leases' in store);

export type { Lease, ShardAssignment, ShardFence, ShardLeases, ShardRow };
