/** Latency windows: the newest N samples in a ring, percentiles by nearest rank on demand. */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class LatencyWindow {
  #ring: Float64Array;
  #n = 0;
  #total = 0;

  constructor(size: number) {
    this.#ring = new Float64Array(size);
  }

  record(ms: number): void {
    this.#ring[this.#n % this.#ring.length] = ms;
    this.#n++;
    this.#total++;
  }

  summary(): LatencySummary {
    const k = Math.min(this.#n, this.#ring.length);
    if (!k) return { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
    const sorted = Float64Array.from(this.#ring.subarray(0, k)).sort();
    const rank = (p: number) => sorted[Math.min(k - 1, Math.max(0, Math.ceil(p * k) - 1))]!;
    return { count: this.#total, p50: rank(0.5), p95: rank(0.95), p99: rank(0.99), max: sorted[k - 1]! };
  }
}

/** Wall-clock now in milliseconds since the epoch, sub-millisecond (RFC 3550's NTP-style capture time). */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}
