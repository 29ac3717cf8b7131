/**
 * Partial mesh: which members of a room an agent connects to when it keeps only a few
 * neighbours (`neighbours: k`) instead of every pair (N(N-1)/2 connections).
 *
 * Every member computes the same answer from the same member list (the signaling room's),
 * so both ends of a pair agree without asking each other:
 * - each member chooses its previous and next id on the sorted ring of member ids (the ring
 *   keeps the overlay connected whatever the hashes say), and `k - 2` more by rendezvous
 *   hashing (highest-random-weight: the members with the largest hash of the pair). Random
 *   long links make hop counts grow like log N; rendezvous keeps them stable when members
 *   join or leave (only the choices that involve that member change);
 * - a pair is linked when either end chose the other (the symmetric closure), so at most
 *   N x k connections exist for N members.
 *
 * The hash is FNV-1a, 32 bits: cheap and deterministic, not a security boundary (who may
 * join the room is the signaling server's admission).
 */

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The members `self` chooses among `members` (`self` included or not): its ring neighbours
 * and the `degree - 2` members with the highest rendezvous weight. Sorted; at most `degree`.
 */
export function chosenNeighbours(self: string, members: readonly string[], degree: number): string[] {
  const ring = [...new Set([...members, self])].sort();
  return chooseOnRing(self, ring, degree, new Map());
}

function chooseOnRing(self: string, ring: readonly string[], degree: number, weights: Map<string, number>): string[] {
  const n = ring.length;
  if (n <= 1 || degree < 1) return [];
  const at = ring.indexOf(self);
  const out = new Set<string>([ring[(at + 1) % n]!]);
  if (degree >= 2) out.add(ring[(at - 1 + n) % n]!);
  const want = Math.min(degree, n - 1);
  if (out.size < want) {
    const weight = (other: string) => {
      const key = `${self} ${other}`;
      let w = weights.get(key);
      if (w === undefined) weights.set(key, (w = fnv1a(key)));
      return w;
    };
    const rest = ring.filter((id) => id !== self && !out.has(id)).sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : 1));
    for (const id of rest) {
      if (out.size >= want) break;
      out.add(id);
    }
  }
  out.delete(self);
  return [...out].sort();
}

/**
 * Who `self` links to: every member it chose and every member that chose it (the symmetric
 * closure), computed over the same member list on every agent. `weights` caches pair hashes
 * between calls (the room changes one member at a time).
 */
export class Topology {
  readonly #degree: number;
  readonly #weights = new Map<string, number>();

  constructor(degree: number) {
    if (!Number.isInteger(degree) || degree < 1) throw new RangeError('neighbours must be a whole number >= 1');
    this.#degree = degree;
  }

  get degree(): number {
    return this.#degree;
  }

  /** The members `self` links to, sorted. */
  linked(self: string, members: readonly string[]): string[] {
    const ring = [...new Set([...members, self])].sort();
    if (this.#weights.size > 4 * ring.length * ring.length + 1024) this.#weights.clear();
    const out = new Set(chooseOnRing(self, ring, this.#degree, this.#weights));
    for (const other of ring) if (other !== self && !out.has(other) && chooseOnRing(other, ring, this.#degree, this.#weights).includes(self)) out.add(other);
    return [...out].sort();
  }
}
