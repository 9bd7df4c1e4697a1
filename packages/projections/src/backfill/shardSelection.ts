import type { EventStore, StreamSelection } from '@roc-ledger/ledger';
import { customerIdOf } from '../fold.ts';
import { loadMerges } from '../runner.ts';
import { ownedBy, type ShardAssignment } from '../sharding/shards.ts';

/** The owner backfill threads' shard commits carry: SQLite read models keep no leases to check it against. */
export const BACKFILL_OWNER = 'backfill';

/**
 * The streams a backfill thread folding one shard of per-customer projections needs, as far as
 * the log goes now: every stream that is not a customer's, the customers of its shard, and every
 * customer a merge involves (their events change partitions as merges are folded, and both
 * sides' shards need the merge). Events of the others are never decoded by this thread: with N
 * threads, each decodes and folds about 1/N of the log.
 */
export const shardSelection = async (store: EventStore, shard: ShardAssignment): Promise<StreamSelection> => {
  const head = await store.head();
  const involved = new Set((await loadMerges(store, head.position)).records().flatMap((merge) => [merge.survivorId, merge.mergedId]));
  const owns = ownedBy(shard);
  return {
    through: head.position,
    includes: (streamId) => {
      const customerId = customerIdOf({ streamId });
      return customerId === undefined || involved.has(customerId) || owns(customerId);
    },
  };
};
