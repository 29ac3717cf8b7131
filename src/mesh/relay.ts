/**
 * Relay mode: beyond a full mesh (about 20 agents, N(N-1)/2 channels), each agent keeps a few
 * neighbours and forwards signed messages, so a message reaches everyone without N*N
 * connections. The envelope travels untouched (its signature covers every field); only the
 * hop count in the wrapper changes, and it only limits forwarding.
 *
 * `RelayRouter` is the forwarding decision, shared by real agents (core.ts) and by the
 * network-model simulation (simulate.ts): a message is delivered and forwarded once per
 * (sender, sequence number); the pair is remembered only after the envelope verified, so a
 * forger cannot spend a real message's pair ahead of it. `relayNeighbours` picks the
 * neighbours: the next and previous agent on a ring of agent ids (the ring keeps the graph
 * connected) and the rest as long links chosen by a hash (a small world: hop counts grow with
 * log N, not N).
 */
import { fnv1a } from '../swarm/index.js';
import { DEFAULT_MAX_HOPS, DEFAULT_RELAY_DEGREE, DEFAULT_SEEN_CACHE } from './constants.js';

export interface RelayDecision {
  /** Already delivered (same sender and sequence): dropped, not forwarded. */
  duplicate: boolean;
  /** Neighbours to forward to (never back to where it came from). */
  forward: string[];
  /** Hop count to put on the forwarded copies. */
  hops: number;
}

export interface RelayRouterOptions {
  maxHops?: number;
  /** (sender, sequence) pairs remembered, oldest dropped first. */
  seenCache?: number;
}

export class RelayRouter {
  readonly maxHops: number;
  readonly #max: number;
  readonly #seen = new Set<string>();
  #duplicates = 0;
  #forwarded = 0;

  constructor(options: RelayRouterOptions = {}) {
    this.maxHops = options.maxHops ?? DEFAULT_MAX_HOPS;
    this.#max = options.seenCache ?? DEFAULT_SEEN_CACHE;
  }

  /** Whether this (sender, sequence) was already delivered: check before verifying (cheap). */
  seen(sender: string, sequence: number): boolean {
    const dup = this.#seen.has(`${sender} ${sequence}`);
    if (dup) this.#duplicates++;
    return dup;
  }

  /**
   * After the envelope verified (or for our own message, with `from` undefined and hops 0):
   * remember it and decide where it goes next.
   */
  accept(sender: string, sequence: number, hops: number, from: string | undefined, neighbours: readonly string[]): RelayDecision {
    const key = `${sender} ${sequence}`;
    if (this.#seen.has(key)) {
      this.#duplicates++;
      return { duplicate: true, forward: [], hops };
    }
    if (this.#seen.size >= this.#max) this.#seen.delete(this.#seen.values().next().value!);
    this.#seen.add(key);
    const next = hops + 1;
    const forward = next > this.maxHops ? [] : neighbours.filter((n) => n !== from);
    this.#forwarded += forward.length;
    return { duplicate: false, forward, hops: next };
  }

  stats(): { remembered: number; duplicates: number; forwarded: number } {
    return { remembered: this.#seen.size, duplicates: this.#duplicates, forwarded: this.#forwarded };
  }
}

/**
 * The neighbours of `self` among `members` (ids, `self` included or not): the previous and
 * next id on the sorted ring, and `degree - 2` long links chosen by hash. Every agent computes
 * the same answer from the same member list.
 */
export function relayNeighbours(self: string, members: readonly string[], degree = DEFAULT_RELAY_DEGREE): string[] {
  const ring = [...new Set([...members, self])].sort();
  const n = ring.length;
  if (n <= 1) return [];
  const at = ring.indexOf(self);
  const out = new Set<string>([ring[(at + 1) % n]!, ring[(at - 1 + n) % n]!]);
  for (let i = 0; out.size < Math.min(degree, n - 1) && i < 4 * degree; i++) {
    const other = ring[fnv1a(`${self}#${i}`) % n]!;
    if (other !== self) out.add(other);
  }
  out.delete(self);
  return [...out].sort();
}
