/**
 * A network model of relay mode: N agents, each with `relayNeighbours` links, each running a
 * RelayRouter (the forwarding code real agents run), messages moved by an event queue with a
 * per-link delay and loss. Verification is modelled as always passing (every message in the
 * model is genuine); its cost is not modelled. What it measures: the share of agents each
 * message reaches, the hops it took to reach them, and the copies sent per delivery.
 */
import { relayNeighbours, RelayRouter } from './relay.js';

export interface RelaySimulationOptions {
  agents: number;
  degree?: number;
  /** Messages, each from a random agent. */
  messages?: number;
  /** Per-link one-way delay, ms: uniform in [min, max]. */
  linkDelayMs?: [number, number];
  /** Chance a copy is lost on a link (0..1). */
  loss?: number;
  maxHops?: number;
  /** Seed of the deterministic random source. */
  seed?: number;
}

export interface RelaySimulationResult {
  agents: number;
  degree: number;
  messages: number;
  /** Deliveries / (messages x (agents - 1)). */
  deliveryRatio: number;
  hops: { mean: number; p50: number; p99: number; max: number };
  /** Delivery time from sending, model ms. */
  latencyMs: { p50: number; p99: number; max: number };
  /** Copies put on links per delivery (1 would be a perfect tree). */
  copiesPerDelivery: number;
  duplicatesDropped: number;
}

/** xorshift32: deterministic, enough for a model. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/** A binary min-heap (the model's event queue). */
class MinHeap<T> {
  readonly #a: T[] = [];
  constructor(readonly less: (x: T, y: T) => number) {}
  push(v: T): void {
    const a = this.#a;
    a.push(v);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.less(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.#a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last !== undefined) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN;
}

export function simulateRelay(options: RelaySimulationOptions): RelaySimulationResult {
  const n = options.agents;
  const degree = options.degree ?? 4;
  const messages = options.messages ?? 100;
  const [dMin, dMax] = options.linkDelayMs ?? [1, 5];
  const loss = options.loss ?? 0;
  const rnd = random(options.seed ?? 1);
  const ids = Array.from({ length: n }, (_, i) => `a${String(i).padStart(6, '0')}`);
  const neighbours = new Map(ids.map((id) => [id, relayNeighbours(id, ids, degree)]));
  const routers = new Map(ids.map((id) => [id, new RelayRouter(options.maxHops !== undefined ? { maxHops: options.maxHops } : {})]));
  const hops: number[] = [];
  const latency: number[] = [];
  let copies = 0;
  type Ev = { t: number; to: string; from: string; sender: string; seq: number; hops: number; sentAt: number };
  const queue = new MinHeap<Ev>((x, y) => x.t - y.t);
  const send = (e: Omit<Ev, 't'>, now: number) => {
    copies++;
    if (rnd() < loss) return;
    queue.push({ ...e, t: now + dMin + rnd() * (dMax - dMin) });
  };
  for (let m = 0; m < messages; m++) {
    const sender = ids[Math.floor(rnd() * n)]!;
    const at = m * 10;
    const d = routers.get(sender)!.accept(sender, m + 1, 0, undefined, neighbours.get(sender)!);
    for (const to of d.forward) send({ to, from: sender, sender, seq: m + 1, hops: d.hops, sentAt: at }, at);
  }
  // Discrete events in time order: the first copy to reach an agent is the one delivered.
  for (let e = queue.pop(); e; e = queue.pop()) {
    const r = routers.get(e.to)!;
    if (r.seen(e.sender, e.seq)) continue;
    const d = r.accept(e.sender, e.seq, e.hops, e.from, neighbours.get(e.to)!);
    hops.push(e.hops);
    latency.push(e.t - e.sentAt);
    for (const to of d.forward) send({ to, from: e.to, sender: e.sender, seq: e.seq, hops: d.hops, sentAt: e.sentAt }, e.t);
  }
  hops.sort((a, b) => a - b);
  latency.sort((a, b) => a - b);
  const dropped = [...routers.values()].reduce((s, r) => s + r.stats().duplicates, 0);
  return {
    agents: n,
    degree,
    messages,
    deliveryRatio: hops.length / (messages * (n - 1)),
    hops: { mean: hops.reduce((a, b) => a + b, 0) / (hops.length || 1), p50: pct(hops, 50), p99: pct(hops, 99), max: hops[hops.length - 1] ?? Number.NaN },
    latencyMs: { p50: pct(latency, 50), p99: pct(latency, 99), max: latency[latency.length - 1] ?? Number.NaN },
    copiesPerDelivery: copies / (hops.length || 1),
    duplicatesDropped: dropped,
  };
}
