import { createHash, hash } from 'node:crypto';
import { StoreCorruptError } from '../errors/index.ts';

/**
 * A Merkle tree over the log in the form of Certificate Transparency (RFC 9162, §2.1): leaf
 * hash SHA-256(0x00 ‖ leaf), interior SHA-256(0x01 ‖ left ‖ right), the left subtree always the
 * largest power of two. Leaves are the stored events' bytes (what the hash chain covers too), so
 * proofs hold for ciphertext as well as for plaintext. Proofs are those of RFC 9162: an inclusion
 * proof shows one event is in a tree of a given size and root; a consistency proof shows a tree
 * extends an earlier one, so the log was only appended to.
 */
export const MERKLE_ALGORITHM = 'rfc9162-sha256';

/**
 * Height of the subtrees (tiles) below which the tree keeps no hashes: 2^8 = 256 leaves. It keeps
 * one hash per tile and those above them, 0.25 bytes a leaf; a proof or root that needs hashes
 * inside a tile reads its 256 events again. Keeping every hash took 1.5 GB for a million events.
 */
export const MERKLE_TILE_HEIGHT = 8;

const LEAF = Buffer.from([0]);
const HASH_BYTES = 32;

export const leafHash = (leaf: string | Uint8Array): Buffer =>
  // '\0' + leaf encodes as the byte 0x00 followed by the leaf's UTF-8: one call instead of a Hash object.
  typeof leaf === 'string' ? hash('sha256', `\0${leaf}`, 'buffer') : createHash('sha256').update(LEAF).update(leaf).digest();

const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES);
nodeInput[0] = 1;
const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => {
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_BYTES);
  return hash('sha256', nodeInput, 'buffer');
};
/** The largest power of two smaller than n (n ≥ 2). */
const split = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));
const isPowerOfTwo = (n: number) => (n & (n - 1)) === 0;

/** MTH of leaf hashes held in memory. */
const mthOfLeaves = (leaves: readonly Buffer[], start: number, n: number): Buffer => {
  if (n === 1) return leaves[start]!;
  const k = split(n);
  return nodeHash(mthOfLeaves(leaves, start, k), mthOfLeaves(leaves, start + k, n - k));
};

/** Hashes packed end to end in one growing buffer: a million take 32 MB, not a million objects. */
class HashColumn {
  private bytes = Buffer.alloc(HASH_BYTES * 64);
  length = 0;

  push(hashed: Uint8Array): void {
    if ((this.length + 1) * HASH_BYTES > this.bytes.length) {
      const grown = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(grown);
      this.bytes = grown;
    }
    this.bytes.set(hashed, this.length++ * HASH_BYTES);
  }

  at(index: number): Buffer {
    return this.bytes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}

/** Reads the leaf hashes of leaves [start, start + count) from where the leaves are kept (the log). */
export type LeafReader = (start: number, count: number) => Promise<readonly Buffer[]>;

/** Tiles whose leaves were read again, kept for the next proofs (a bundle proves events near one another). */
const TILES_KEPT = 8;

/**
 * The tree over leaves appended in log order. It keeps the hash of every complete tile and of the
 * perfect subtrees above them, and the leaf hashes of the last tile, not yet complete; a root or
 * proof that needs a hash inside an earlier tile reads that tile's leaves again (readLeaves), and
 * checks they still hash to the tile's kept hash. Roots and proofs take O(log n) hashes.
 */
export class MerkleTree {
  private readonly tile: number;
  /** levels[k].at(i): the hash of the perfect subtree of tile · 2^k leaves starting at leaf i · tile · 2^k. */
  private readonly levels: HashColumn[] = [new HashColumn()];
  /** The leaf hashes of the last tile, while it is not complete. */
  private edge: Buffer[] = [];
  private count = 0;
  private readonly tilesRead = new Map<number, readonly Buffer[]>();
  private readonly readLeaves: LeafReader;

  /** tileHeight: MERKLE_TILE_HEIGHT unless a test wants small trees to read their leaves again too (0 keeps every hash). */
  constructor(readLeaves: LeafReader, options: { readonly tileHeight?: number } = {}) {
    this.readLeaves = readLeaves;
    this.tile = 2 ** (options.tileHeight ?? MERKLE_TILE_HEIGHT);
  }

  get size(): number {
    return this.count;
  }

  /** Adds a leaf (the stored bytes of the next event). */
  append(leaf: string | Uint8Array): void {
    this.appendHash(leafHash(leaf));
  }

  appendHash(hashed: Buffer): void {
    this.edge.push(hashed);
    this.count++;
    if (this.edge.length < this.tile) return;
    this.levels[0]!.push(mthOfLeaves(this.edge, 0, this.tile));
    // A new array, not emptied in place: a proof being computed may still hold the old one.
    this.edge = [];
    for (let k = 0; this.levels[k]!.length % 2 === 0; k++) {
      const level = this.levels[k]!;
      (this.levels[k + 1] ??= new HashColumn()).push(nodeHash(level.at(level.length - 2), level.at(level.length - 1)));
    }
  }

  /** MTH of the first n leaves (hex); the empty tree's root is SHA-256 of nothing. */
  async root(n = this.size): Promise<string> {
    this.check(n);
    return (n === 0 ? createHash('sha256').digest() : await this.mth(0, n)).toString('hex');
  }

  /** The audit path of leaf `index` in the tree of the first n leaves (hex, leaf to root). */
  async inclusionProof(index: number, n = this.size): Promise<string[]> {
    this.check(n);
    if (!(index >= 0 && index < n)) throw new RangeError(`leaf ${index} is not in a tree of ${n}`);
    return (await this.path(index, 0, n)).map((h) => h.toString('hex'));
  }

  /** The proof that the tree of the first n leaves extends the tree of the first m (0 < m ≤ n). */
  async consistencyProof(m: number, n = this.size): Promise<string[]> {
    this.check(n);
    if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
    return (await this.subproof(m, 0, n, true)).map((h) => h.toString('hex'));
  }

  private check(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.count) throw new RangeError(`tree size ${n} is outside 0..${this.count}`);
  }

  /** MTH(D[start : start + n]); in RFC 9162's recursion, start is a multiple of the largest power of two up to n. */
  private async mth(start: number, n: number): Promise<Buffer> {
    const tile = this.tile;
    if (n >= tile && isPowerOfTwo(n) && start % n === 0) return this.levels[Math.log2(n / tile)]!.at(start / n);
    const first = Math.floor(start / tile);
    if (first === Math.floor((start + n - 1) / tile)) return mthOfLeaves(await this.leavesOf(first), start - first * tile, n);
    const k = split(n);
    return nodeHash(await this.mth(start, k), await this.mth(start + k, n - k));
  }

  /** The leaf hashes of a tile: the last one's as kept, an earlier one's read again and checked against its kept hash. */
  private async leavesOf(tile: number): Promise<readonly Buffer[]> {
    if (tile === Math.floor(this.count / this.tile)) return this.edge;
    const kept = this.tilesRead.get(tile);
    if (kept) return kept;
    const start = tile * this.tile;
    const leaves = await this.readLeaves(start, this.tile);
    if (leaves.length !== this.tile || !mthOfLeaves(leaves, 0, this.tile).equals(this.levels[0]!.at(tile))) {
      throw new StoreCorruptError(`the events at positions ${start + 1}..${start + this.tile} no longer hash to the Merkle tree built from them: the log changed after it was read`);
    }
    if (this.tilesRead.size >= TILES_KEPT) this.tilesRead.delete(this.tilesRead.keys().next().value!);
    this.tilesRead.set(tile, leaves);
    return leaves;
  }

  private async path(m: number, start: number, n: number): Promise<Buffer[]> {
    if (n === 1) return [];
    const k = split(n);
    return m < k ? [...(await this.path(m, start, k)), await this.mth(start + k, n - k)] : [...(await this.path(m - k, start + k, n - k)), await this.mth(start, k)];
  }

  private async subproof(m: number, start: number, n: number, whole: boolean): Promise<Buffer[]> {
    if (m === n) return whole ? [] : [await this.mth(start, n)];
    const k = split(n);
    return m <= k ? [...(await this.subproof(m, start, k, whole)), await this.mth(start + k, n - k)] : [...(await this.subproof(m - k, start + k, n - k, false)), await this.mth(start, k)];
  }
}

const hex = (h: string): Buffer => Buffer.from(h, 'hex');
const lsb = (x: number) => (x & 1) === 1;

/** RFC 9162 §2.1.3.2: does this audit path prove the leaf (hex leaf hash) at `index` is in the tree of `size` with `root`? */
export const verifyInclusion = (leaf: string, index: number, size: number, proof: readonly string[], root: string): boolean => {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = hex(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      r = nodeHash(hex(p), r);
      if (!lsb(fn)) while (!lsb(fn) && fn !== 0) [fn, sn] = [fn >>> 1, sn >>> 1];
    } else {
      r = nodeHash(r, hex(p));
    }
    [fn, sn] = [fn >>> 1, sn >>> 1];
  }
  return sn === 0 && r.toString('hex') === root;
};

/** RFC 9162 §2.1.4.2: does this proof show the tree of `second` leaves (root2) extends the tree of `first` (root1)? */
export const verifyConsistency = (first: number, second: number, root1: string, root2: string, proof: readonly string[]): boolean => {
  if (!(first > 0 && first <= second)) return false;
  if (first === second) return proof.length === 0 && root1 === root2;
  const path = (first & (first - 1)) === 0 ? [root1, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (lsb(fn)) [fn, sn] = [fn >>> 1, sn >>> 1];
  let fr: Buffer = hex(path[0]!);
  let sr: Buffer = hex(path[0]!);
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (lsb(fn) || fn === sn) {
      fr = nodeHash(hex(c), fr);
      sr = nodeHash(hex(c), sr);
      if (!lsb(fn)) while (!lsb(fn) && fn !== 0) [fn, sn] = [fn >>> 1, sn >>> 1];
    } else {
      sr = nodeHash(sr, hex(c));
    }
    [fn, sn] = [fn >>> 1, sn >>> 1];
  }
  return fr.toString('hex') === root1 && sr.toString('hex') === root2 && sn === 0;
};
