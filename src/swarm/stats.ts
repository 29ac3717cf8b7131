/** Counters and round-trip percentiles of one agent (what getStats() reports). */
import { RTT_SAMPLES_PER_PEER } from './constants.js';

export interface TrafficCounters {
  messages: number;
  bytes: number;
}

export interface RttSummary {
  samples: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Nearest-rank percentile (p in 0..100) of sorted values; null for none. */
export function percentileOf(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(values: readonly number[]): RttSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const r = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);
  return { samples: sorted.length, p50: r(percentileOf(sorted, 50)), p95: r(percentileOf(sorted, 95)), p99: r(percentileOf(sorted, 99)) };
}

export class Traffic {
  readonly in = new Map<string, TrafficCounters>();
  readonly out = new Map<string, TrafficCounters>();
  /** Inbound messages rejected, by reason. */
  readonly rejected = new Map<string, number>();

  count(direction: 'in' | 'out', type: string, bytes: number): void {
    const map = direction === 'in' ? this.in : this.out;
    const c = map.get(type) ?? { messages: 0, bytes: 0 };
    c.messages++;
    c.bytes += bytes;
    map.set(type, c);
  }

  reject(reason: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  static toObject<T>(map: Map<string, T>): Record<string, T> {
    return Object.fromEntries([...map.entries()].map(([k, v]) => [k, typeof v === 'object' ? { ...v } : v])) as Record<string, T>;
  }
}

/** A bounded ring of round-trip samples for one peer. */
export class RttRing {
  readonly #values: number[] = [];
  #next = 0;
  add(ms: number): void {
    if (this.#values.length < RTT_SAMPLES_PER_PEER) this.#values.push(ms);
    else {
      this.#values[this.#next] = ms;
      this.#next = (this.#next + 1) % RTT_SAMPLES_PER_PEER;
    }
  }
  summary(): RttSummary {
    return summarize(this.#values);
  }
}
