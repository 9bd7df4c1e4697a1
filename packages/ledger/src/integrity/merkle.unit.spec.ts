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
const tree = new MerkleTree();
for (const leaf of leaves) tree.append(leaf);

describe('the Merkle tree (RFC 9162)', () => {
  it('has the root of the RFC definition for every size', () => {
    for (let n = 0; n <= leaves.length; n++) expect(tree.root(n)).toBe(reference(leaves.slice(0, n)).toString('hex'));
  });

  it('proves every leaf included in every tree that holds it, and nothing else', () => {
    for (let n = 1; n <= 40; n++) {
      const root = tree.root(n);
      for (let i = 0; i < n; i++) {
        const proof = tree.inclusionProof(i, n);
        expect(verifyInclusion(leafHash(leaves[i]!).toString('hex'), i, n, proof, root)).toBe(true);
        expect(verifyInclusion(leafHash(`${leaves[i]!} `).toString('hex'), i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leafHash(leaves[i]!).toString('hex'), (i + 1) % n, n, proof, root)).toBe(false);
      }
    }
  });

  it('proves every tree consistent with each earlier one, and rejects altered proofs and forged roots', () => {
    for (let n = 1; n <= 40; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, tree.root(m), tree.root(n), proof)).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, reference([...leaves.slice(0, m - 1), 'rewritten']).toString('hex'), tree.root(n), proof)).toBe(false);
          const altered = proof.map((h, i) => (i === 0 ? createHash('sha256').update(h).digest('hex') : h));
          expect(verifyConsistency(m, n, tree.root(m), tree.root(n), altered)).toBe(false);
        }
      }
    }
  });
});
