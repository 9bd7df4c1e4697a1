import type { EventStore, StoredRecord } from '../eventStore/types.ts';
import { leafHash, MerkleTree, type LeafReader } from './merkle.ts';

/** The log's tree at a size: the tree may have grown since, so the size is what a digest or proof is made at. */
export interface MerkleSnapshot {
  readonly tree: MerkleTree;
  readonly size: number;
  /** recordedAt of the event at `size` (null for an empty log). */
  readonly recordedAt: string | null;
}

const PAGE = 4096;

/** Leaf hashes read again from the stored records (positions start at 1, leaves at 0). */
export const storeLeafReader =
  (store: EventStore): LeafReader =>
  async (start, count) => {
    const leaves: Buffer[] = [];
    for await (const record of store.readStoredRecords({ fromPosition: start + 1, pageSize: count })) {
      leaves.push(leafHash(record.body));
      if (leaves.length === count) break;
    }
    return leaves;
  };

export interface MerkleTreeOptions {
  /** Only the first `size` records (default: the whole log). */
  readonly size?: number;
  /** Sees each record of the pass (a proof looking for its event). */
  readonly onRecord?: (record: StoredRecord) => void;
  /** See MerkleTree. */
  readonly tileHeight?: number;
}

/**
 * Appends the stored records from position `from` to the tree, up to `size` if given; the
 * recordedAt of the last one appended (null if none was).
 */
const appendRecords = async (store: EventStore, tree: MerkleTree, from: number, size?: number, onRecord?: (record: StoredRecord) => void): Promise<string | null> => {
  let recordedAt: string | null = null;
  for await (const record of store.readStoredRecords({ fromPosition: from, pageSize: PAGE })) {
    if (size !== undefined && record.globalPosition > size) break;
    tree.append(record.body);
    recordedAt = record.recordedAt;
    onRecord?.(record);
  }
  return recordedAt;
};

/** The tree over the stored records (their bytes, in log order), read in one pass. */
export const merkleTreeOf = async (store: EventStore, { size, onRecord, tileHeight }: MerkleTreeOptions = {}): Promise<MerkleSnapshot> => {
  const tree = new MerkleTree(storeLeafReader(store), { tileHeight });
  const recordedAt = await appendRecords(store, tree, 1, size, onRecord);
  return { tree, size: tree.size, recordedAt };
};

/**
 * The log's tree as a long-running service keeps it: each call reads only the records appended
 * since the last, so after the first a signed digest or a proof costs O(log n) hashes and a tile's
 * read or two. Calls read in turn, each to the head as it finds it: a digest asked for after an
 * append was acknowledged covers that append.
 */
export const followMerkleTree = (store: EventStore): (() => Promise<MerkleSnapshot>) => {
  const tree = new MerkleTree(storeLeafReader(store));
  let recordedAt: string | null = null;
  const readOn = async (): Promise<MerkleSnapshot> => {
    recordedAt = (await appendRecords(store, tree, tree.size + 1)) ?? recordedAt;
    return { tree, size: tree.size, recordedAt };
  };
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const next = last.catch(() => undefined).then(readOn);
    last = next;
    return next;
  };
};
