/**
 * Merkle tree hashing of RFC 9162 section 2.1 (as RFC 6962 section 2.1):
 * leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right), and for n leaves the
 * left subtree holds the largest power of two smaller than n (section 2.1.1). Inclusion
 * proofs (section 2.1.3) and consistency proofs (section 2.1.4), with their verification
 * algorithms (sections 2.1.3.2 and 2.1.4.2).
 */
import { createHash } from 'node:crypto';

export const HASH_BYTES = 32;

export function leafHash(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Uint8Array.of(0x00)).update(data).digest());
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(Uint8Array.of(0x01)).update(left).update(right).digest());
}

/** MTH({}) = SHA-256() (RFC 9162 section 2.1.1). */
export const EMPTY_ROOT = new Uint8Array(createHash('sha256').digest());

/** Largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * An append-only tree over leaf hashes. Keeps every complete, aligned subtree root
 * (levels[h][i] covers leaves i*2^h .. (i+1)*2^h - 1), so an append costs O(log n) hashes and
 * any subtree hash, root, or proof for any earlier size O(log^2 n).
 */
export class MerkleTree {
  readonly #levels: Uint8Array[][] = [[]];

  get size(): number {
    return this.#levels[0].length;
  }

  /** Append a leaf by its data; returns its leaf hash. */
  append(data: Uint8Array): Uint8Array {
    const h = leafHash(data);
    this.appendLeafHash(h);
    return h;
  }

  appendLeafHash(hash: Uint8Array): void {
    let level = 0;
    let index = this.#levels[0].length;
    this.#levels[0].push(hash);
    while (index % 2 === 1) {
      const row = this.#levels[level];
      const parent = nodeHash(row[index - 1], row[index]);
      level++;
      (this.#levels[level] ??= []).push(parent);
      index = (index - 1) / 2;
    }
  }

  leafHashAt(index: number): Uint8Array {
    this.#check(index, this.size - 1);
    return this.#levels[0][index];
  }

  #check(value: number, max: number, min = 0): void {
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${value} is outside ${min}..${max}`);
  }

  /** MTH(D[start:end]) for 0 <= start < end <= size. */
  subtreeHash(start: number, end: number): Uint8Array {
    const n = end - start;
    if (n === 1) return this.#levels[0][start];
    if (isPowerOfTwo(n) && start % n === 0) {
      const h = Math.log2(n);
      const hit = this.#levels[h]?.[start / n];
      if (hit) return hit;
    }
    const k = splitPoint(n);
    return nodeHash(this.subtreeHash(start, start + k), this.subtreeHash(start + k, end));
  }

  /** Root of the tree at `size` (default: now). */
  root(size = this.size): Uint8Array {
    this.#check(size, this.size);
    return size === 0 ? EMPTY_ROOT : this.subtreeHash(0, size);
  }

  /** PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1, from the leaf upwards. */
  inclusionProof(index: number, size = this.size): Uint8Array[] {
    this.#check(size, this.size, 1);
    this.#check(index, size - 1);
    const path: Uint8Array[] = [];
    const walk = (m: number, start: number, end: number): void => {
      const n = end - start;
      if (n === 1) return;
      const k = splitPoint(n);
      if (m < k) {
        walk(m, start, start + k);
        path.push(this.subtreeHash(start + k, end));
      } else {
        walk(m - k, start + k, end);
        path.push(this.subtreeHash(start, start + k));
      }
    };
    walk(index, 0, size);
    return path;
  }

  /** PROOF(first, D[0:second]) of RFC 9162 section 2.1.4.1 (empty when first is 0 or equals second). */
  consistencyProof(first: number, second = this.size): Uint8Array[] {
    this.#check(second, this.size);
    this.#check(first, second);
    if (first === 0 || first === second) return [];
    const proof: Uint8Array[] = [];
    const sub = (m: number, start: number, end: number, complete: boolean): void => {
      const n = end - start;
      if (m === n) {
        if (!complete) proof.push(this.subtreeHash(start, end));
        return;
      }
      const k = splitPoint(n);
      if (m <= k) {
        sub(m, start, start + k, complete);
        proof.push(this.subtreeHash(start + k, end));
      } else {
        sub(m - k, start + k, end, false);
        proof.push(this.subtreeHash(start, start + k));
      }
    };
    sub(first, 0, second, true);
    return proof;
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The walk both verifications share (RFC 9162 sections 2.1.3.2 and 2.1.4.2), from the bottom
 * of the tree up: `left(c)` where the proof hash `c` is the left sibling, `right(c)` where it
 * is the right one. True when the path ends exactly at the root (sn reaches 0).
 */
function walkProof(fn: number, sn: number, path: readonly Uint8Array[], left: (c: Uint8Array) => void, right: (c: Uint8Array) => void): boolean {
  for (const c of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      left(c);
      if (fn % 2 === 0) {
        do {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        } while (fn % 2 === 0 && fn !== 0);
      }
    } else {
      right(c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0;
}

/** RFC 9162 section 2.1.3.2: does `proof` show the leaf with `hash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(hash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let r = hash;
  const ends = walkProof(index, size - 1, proof, (c) => (r = nodeHash(c, r)), (c) => (r = nodeHash(r, c)));
  return ends && equal(r, root);
}

/** RFC 9162 section 2.1.4.2: does `proof` show the tree of size `first` with `firstRoot` is a prefix of the one of `second` with `secondRoot`? */
export function verifyConsistency(first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isInteger(first) || !Number.isInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && equal(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0 && equal(firstRoot, EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  const ends = walkProof(
    fn,
    sn,
    path.slice(1),
    (c) => {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
    },
    (c) => (sr = nodeHash(sr, c)),
  );
  return ends && equal(fr, firstRoot) && equal(sr, secondRoot);
}
