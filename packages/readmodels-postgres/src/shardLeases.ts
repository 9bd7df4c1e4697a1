import type pg from 'pg';
import { ShardCountMismatchError, type Lease, type ShardLeases } from '@roc-ledger/projections';

type Query = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

/**
 * Shard leases in PostgreSQL. Expiry is judged by the database's clock (now()), never by the
 * instances', so clock skew between machines cannot hand one shard to two holders; each taking
 * raises the shard's epoch, which commits check under a row lock (see the store's commit).
 */
export const postgresShardLeases = (query: Query, table: (name: string) => string): ShardLeases => ({
  async prepare(count) {
    const existing = await query<{ shards: number; held: string }>(`SELECT shards, count(*) FILTER (WHERE owner IS NOT NULL AND expires_at > now()) AS held FROM ${table('projector_leases')} GROUP BY shards`);
    const other = existing.filter((row) => row.shards !== count);
    if (other.length > 0) {
      if (other.some((row) => Number(row.held) > 0)) {
        throw new ShardCountMismatchError(`projector instances hold leases on ${other[0]!.shards} shards; this one was started with ${count}: start every projector instance with the same shard count`);
      }
      // Nobody folds under the old count: the leases are laid out again (each projection's shard
      // checkpoints are checked when its shards register).
      await query(`DELETE FROM ${table('projector_leases')} WHERE shards <> $1`, [count]);
    }
    await query(`INSERT INTO ${table('projector_leases')} (shard, shards, owner, epoch, expires_at) SELECT g, $1, NULL, 0, now() FROM generate_series(0, $1 - 1) AS g ON CONFLICT (shard) DO NOTHING`, [count]);
  },
  async heartbeat(owner, ttlMs) {
    await query(
      `INSERT INTO ${table('projector_members')} (owner, expires_at) VALUES ($1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (owner) DO UPDATE SET expires_at = excluded.expires_at`,
      [owner, ttlMs],
    );
    const [row] = await query<{ members: string }>(`SELECT count(*) AS members FROM ${table('projector_members')} WHERE expires_at > now()`);
    return Number(row!.members);
  },
  async renew(owner, held, ttlMs) {
    if (held.length === 0) return [];
    const rows = await query<{ shard: number; epoch: string }>(
      `UPDATE ${table('projector_leases')} SET expires_at = now() + $2 * interval '1 millisecond'
       WHERE owner = $1 AND (shard, epoch) IN (SELECT * FROM unnest($3::int[], $4::bigint[])) RETURNING shard, epoch`,
      [owner, ttlMs, held.map((l) => l.index), held.map((l) => l.epoch)],
    );
    return rows.map((row) => ({ index: row.shard, epoch: Number(row.epoch) }));
  },
  async acquire(owner, max, ttlMs) {
    // SKIP LOCKED: instances taking shards at the same moment take different ones.
    const rows = await query<{ shard: number; epoch: string }>(
      `UPDATE ${table('projector_leases')} SET owner = $1, epoch = epoch + 1, expires_at = now() + $2 * interval '1 millisecond'
       WHERE shard IN (SELECT shard FROM ${table('projector_leases')} WHERE owner IS NULL OR expires_at <= now() ORDER BY shard LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING shard, epoch`,
      [owner, ttlMs, max],
    );
    return rows.map((row) => ({ index: row.shard, epoch: Number(row.epoch) })).sort((a, b) => a.index - b.index);
  },
  async release(owner, lease: Lease) {
    await query(`UPDATE ${table('projector_leases')} SET owner = NULL, expires_at = now() WHERE shard = $1 AND owner = $2 AND epoch = $3`, [lease.index, owner, lease.epoch]);
  },
  async leave(owner) {
    await query(`DELETE FROM ${table('projector_members')} WHERE owner = $1`, [owner]);
  },
});
