import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { leafHash, MerkleTree, verifyConsistency, verifyInclusion } from './merkle.ts';

const sha = (...parts: (Buffer | number[])[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(Buffer.from(p));
  return h.digest();
};
/** RFC 9162's MTH, written straight from its definition: the reference the tree is checked against. */
const reference = (leaves: string[]): Buffer => {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha([0], Buffer.from(leaves[0]!));
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha([1], reference(leaves.slice(0, k)), reference(leaves.slice(k)));
};

const leaves = Array.from({ length: 70 }, (_, i) => `{"globalPosition":${i + 1},"event":"e${i}"}`);

/** A tree over `leaves` whose tiles read their leaves again from `log` (by default the same leaves), counting the reads. */
const treeOf = (tileHeight: number, log: string[] = leaves) => {
  const reads: [number, number][] = [];
  const tree = new MerkleTree(
    async (start, count) => {
      reads.push([start, count]);
      return log.slice(start, start + count).map((leaf) => leafHash(leaf));
    },
    { tileHeight },
  );
  for (const leaf of leaves) tree.append(leaf);
  return { tree, reads };
};

// Tile height 0 keeps every hash; 1 to 3 make these small trees read most of their hashes again, as large ones do.
describe.each([0, 1, 2, 3])('the Merkle tree (RFC 9162), tiles of height %i', (tileHeight) => {
  const { tree, reads } = treeOf(tileHeight);

  it('has the root of the RFC definition for every size', async () => {
    for (let n = 0; n <= leaves.length; n++) expect(await tree.root(n)).toBe(reference(leaves.slice(0, n)).toString('hex'));
    // Only the tree that keeps every hash never reads a leaf again.
    expect(reads.length === 0).toBe(tileHeight === 0);
  });

  it('proves every leaf included in every tree that holds it, and nothing else', async () => {
    for (let n = 1; n <= leaves.length; n++) {
      const root = await tree.root(n);
      for (let i = 0; i < n; i++) {
        const proof = await tree.inclusionProof(i, n);
        expect(verifyInclusion(leafHash(leaves[i]!).toString('hex'), i, n, proof, root)).toBe(true);
        expect(verifyInclusion(leafHash(`${leaves[i]!} `).toString('hex'), i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leafHash(leaves[i]!).toString('hex'), (i + 1) % n, n, proof, root)).toBe(false);
      }
    }
  });

  it('proves every tree consistent with each earlier one, and rejects altered proofs and forged roots', async () => {
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, await tree.root(m), await tree.root(n), proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, reference([...leaves.slice(0, m - 1), 'rewritten']).toString('hex'), await tree.root(n), proof)).toBe(false);
          const altered = proof.map((h, i) => (i === 0 ? createHash('sha256').update(h).digest('hex') : h));
          expect(verifyConsistency(m, n, await tree.root(m), await tree.root(n), altered)).toBe(false);
        }
      }
    }
  });
});

describe('a tree whose leaves are read again', () => {
  it('refuses to prove from a log that changed after it was read, naming the positions', async () => {
    const rewritten = leaves.map((leaf, i) => (i === 9 ? leaf.replace('e9', 'e9!') : leaf));
    const { tree } = treeOf(2, rewritten);
    // Leaf 9 is in the tile of leaves 8..11 (positions 9..12).
    await expect(tree.inclusionProof(8, 70)).rejects.toThrow(/positions 9\.\.12 no longer hash/);
    // A proof that needs no hash inside that tile still comes out, and holds.
    const proof = await tree.inclusionProof(40, 70);
    expect(verifyInclusion(leafHash(leaves[40]!).toString('hex'), 40, 70, proof, reference(leaves).toString('hex'))).toBe(true);
  });

  it('keeps the last, incomplete tile in memory: the root of the whole tree reads nothing', async () => {
    const { tree, reads } = treeOf(3);
    expect(await tree.root()).toBe(reference(leaves).toString('hex'));
    expect(reads).toEqual([]);
    // The last tile (leaves 64..69) is incomplete and kept: the tree of 67, which ends in it, reads nothing either.
    expect(await tree.root(67)).toBe(reference(leaves.slice(0, 67)).toString('hex'));
    expect(reads).toEqual([]);
    // The tree of 60 ends inside tile 7 (leaves 56..63), complete: its leaves are read once, then kept for the next proofs.
    expect(await tree.root(60)).toBe(reference(leaves.slice(0, 60)).toString('hex'));
    await tree.inclusionProof(57, 60);
    expect(reads).toEqual([[56, 8]]);
  });
});
