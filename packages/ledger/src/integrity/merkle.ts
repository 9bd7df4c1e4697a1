import { createHash } from 'node:crypto';

/**
 * A Merkle tree over the log in the form of Certificate Transparency (RFC 9162, §2.1): leaf
 * hash SHA-256(0x00 ‖ leaf), interior SHA-256(0x01 ‖ left ‖ right), the left subtree always the
 * largest power of two. Leaves are the stored events' bytes (what the hash chain covers too), so
 * proofs hold for ciphertext as well as for plaintext. Proofs are those of RFC 9162: an inclusion
 * proof shows one event is in a tree of a given size and root; a consistency proof shows a tree
 * extends an earlier one, so the log was only appended to.
 */
export const MERKLE_ALGORITHM = 'rfc9162-sha256';

const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const leafHash = (leaf: string | Uint8Array): Buffer => createHash('sha256').update(LEAF).update(leaf).digest();
const nodeHash = (left: Uint8Array, right: Uint8Array): Buffer => createHash('sha256').update(NODE).update(left).update(right).digest();
/** The largest power of two smaller than n (n ≥ 2). */
const split = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));

/** The tree over leaves appended in log order; perfect subtrees are kept, so roots and proofs take O(log n) hashes. */
export class MerkleTree {
  /** levels[h][i]: the hash of the perfect subtree of 2^h leaves starting at leaf i · 2^h. */
  private readonly levels: Buffer[][] = [[]];

  get size(): number {
    return this.levels[0]!.length;
  }

  /** Adds a leaf (the stored bytes of the next event). */
  append(leaf: string | Uint8Array): void {
    this.appendHash(leafHash(leaf));
  }

  appendHash(hash: Buffer): void {
    this.levels[0]!.push(hash);
    for (let h = 0; this.levels[h]!.length % 2 === 0; h++) {
      const level = this.levels[h]!;
      const parent = nodeHash(level[level.length - 2]!, level[level.length - 1]!);
      (this.levels[h + 1] ??= []).push(parent);
    }
  }

  leaf(index: number): Buffer {
    return this.levels[0]![index]!;
  }

  /** MTH of the first n leaves (hex); the empty tree's root is SHA-256 of nothing. */
  root(n = this.size): string {
    this.check(n, this.size, 'tree size');
    return (n === 0 ? createHash('sha256').digest() : this.mth(0, n)).toString('hex');
  }

  /** The audit path of leaf `index` in the tree of the first n leaves (hex, leaf to root). */
  inclusionProof(index: number, n = this.size): string[] {
    this.check(n, this.size, 'tree size');
    if (!(index >= 0 && index < n)) throw new RangeError(`leaf ${index} is not in a tree of ${n}`);
    return this.path(index, 0, n).map((h) => h.toString('hex'));
  }

  /** The proof that the tree of the first n leaves extends the tree of the first m (0 < m ≤ n). */
  consistencyProof(m: number, n = this.size): string[] {
    this.check(n, this.size, 'tree size');
    if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
    return this.subproof(m, 0, n, true).map((h) => h.toString('hex'));
  }

  private check(n: number, max: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > max) throw new RangeError(`${what} ${n} is outside 0..${max}`);
  }

  /** MTH(D[start : start + n]). */
  private mth(start: number, n: number): Buffer {
    if ((n & (n - 1)) === 0 && start % n === 0) return this.levels[Math.log2(n)]![start / n]!;
    const k = split(n);
    return nodeHash(this.mth(start, k), this.mth(start + k, n - k));
  }

  private path(m: number, start: number, n: number): Buffer[] {
    if (n === 1) return [];
    const k = split(n);
    return m < k ? [...this.path(m, start, k), this.mth(start + k, n - k)] : [...this.path(m - k, start + k, n - k), this.mth(start, k)];
  }

  private subproof(m: number, start: number, n: number, whole: boolean): Buffer[] {
    if (m === n) return whole ? [] : [this.mth(start, n)];
    const k = split(n);
    return m <= k ? [...this.subproof(m, start, k, whole), this.mth(start + k, n - k)] : [...this.subproof(m - k, start + k, n - k, false), this.mth(start, k)];
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
