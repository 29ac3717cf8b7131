import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../fuzz/engine.js';
import { EMPTY_ROOT, MerkleTree, leafHash, nodeHash, verifyConsistency, verifyInclusion } from './merkle.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha = (...parts: Uint8Array[]) => new Uint8Array(parts.reduce((h, p) => h.update(p), createHash('sha256')).digest());

/** MTH of RFC 9162 section 2.1.1, written straight from its recursive definition. */
function bruteRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Uint8Array.of(0), leaves[0]);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), bruteRoot(leaves.slice(0, k)), bruteRoot(leaves.slice(k)));
}

const data = (i: number) => new TextEncoder().encode(`d${i}`);

function treeOf(n: number): MerkleTree {
  const t = new MerkleTree();
  for (let i = 0; i < n; i++) t.append(data(i));
  return t;
}

describe('RFC 9162 Merkle tree', () => {
  it('hashes leaves with 0x00 and nodes with 0x01, and the empty tree as SHA-256 of nothing', () => {
    expect(hex(leafHash(data(0)))).toBe(hex(sha(Uint8Array.of(0), data(0))));
    expect(hex(nodeHash(data(1), data(2)))).toBe(hex(sha(Uint8Array.of(1), data(1), data(2))));
    expect(hex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(new MerkleTree().root())).toBe(hex(EMPTY_ROOT));
  });

  it('matches the hand-built seven-leaf tree of RFC 9162 section 2.1.5: roots, inclusion paths and consistency proofs', () => {
    const t = treeOf(7);
    const [a, b, c, d, e, f, j] = Array.from({ length: 7 }, (_, i) => leafHash(data(i)));
    const g = nodeHash(a, b), h = nodeHash(c, d), i = nodeHash(e, f);
    const k = nodeHash(g, h), l = nodeHash(i, j);
    const root = nodeHash(k, l);
    expect(hex(t.root())).toBe(hex(root));
    expect(hex(t.root(3))).toBe(hex(nodeHash(g, c)));
    expect(hex(t.root(4))).toBe(hex(k));
    expect(hex(t.root(6))).toBe(hex(nodeHash(k, i)));
    const paths = (m: number) => t.inclusionProof(m).map(hex);
    expect(paths(0)).toEqual([b, h, l].map(hex));
    expect(paths(3)).toEqual([c, g, l].map(hex));
    expect(paths(4)).toEqual([f, j, k].map(hex));
    expect(paths(6)).toEqual([i, k].map(hex));
    expect(t.consistencyProof(3).map(hex)).toEqual([c, d, g, l].map(hex));
    expect(t.consistencyProof(4).map(hex)).toEqual([l].map(hex));
    expect(t.consistencyProof(6).map(hex)).toEqual([i, j, k].map(hex));
    for (const m of [3, 4, 6]) expect(verifyConsistency(m, 7, t.root(m), root, t.consistencyProof(m))).toBe(true);
    for (const m of [0, 3, 4, 6]) expect(verifyInclusion(leafHash(data(m)), m, 7, t.inclusionProof(m), root)).toBe(true);
  });

  it('agrees with a brute-force root on random trees, and every proof verifies while altered ones fail', () => {
    const random = createRandom(9162);
    for (let round = 0; round < 60; round++) {
      const n = 1 + Math.floor(random() * 70);
      const leaves = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`${round}-${i}-${random()}`));
      const t = new MerkleTree();
      leaves.forEach((x, i) => {
        t.append(x);
        if (i % 7 === 0) expect(hex(t.root())).toBe(hex(bruteRoot(leaves.slice(0, i + 1))));
      });
      for (let size = 1; size <= n; size++) expect(hex(t.root(size))).toBe(hex(bruteRoot(leaves.slice(0, size))));
      const size = 1 + Math.floor(random() * n);
      const root = t.root(size);
      for (let m = 0; m < size; m++) {
        const proof = t.inclusionProof(m, size);
        expect(verifyInclusion(leafHash(leaves[m]), m, size, proof, root)).toBe(true);
        if (proof.length) {
          const bad = proof.map((p) => p.slice());
          bad[Math.floor(random() * bad.length)][0] ^= 1;
          expect(verifyInclusion(leafHash(leaves[m]), m, size, bad, root)).toBe(false);
        }
        if (size > 1) expect(verifyInclusion(leafHash(leaves[m]), (m + 1) % size, size, proof, root)).toBe(false);
      }
      for (let m = 1; m <= size; m++) {
        const proof = t.consistencyProof(m, size);
        expect(verifyConsistency(m, size, t.root(m), root, proof)).toBe(true);
        if (m < size) {
          const forked = bruteRoot([...leaves.slice(0, m - 1), new Uint8Array([9, 9])]);
          expect(verifyConsistency(m, size, forked, root, proof)).toBe(false);
          expect(verifyConsistency(m, size, t.root(m), t.root(m), proof)).toBe(size === m);
        }
      }
    }
  });

  it('builds a 100,000-leaf tree with proofs of logarithmic size', () => {
    const t = new MerkleTree();
    const leaves: Uint8Array[] = [];
    for (let i = 0; i < 100_000; i++) leaves.push(t.append(data(i)));
    expect(t.size).toBe(100_000);
    const proof = t.inclusionProof(31_337);
    expect(proof.length).toBe(17);
    expect(verifyInclusion(leaves[31_337], 31_337, 100_000, proof, t.root())).toBe(true);
    const c = t.consistencyProof(65_537);
    expect(c.length).toBeLessThanOrEqual(34);
    expect(verifyConsistency(65_537, 100_000, t.root(65_537), t.root(), c)).toBe(true);
  });
});
