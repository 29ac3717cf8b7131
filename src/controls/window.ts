/** Timed samples over a sliding window, with nearest-rank percentiles. */
export class SampleWindow {
  // A ring of the last `maxSamples` samples: the oldest sits at `#head`, `#size` are live.
  // Adding and pruning move indices only, so the per-frame path allocates nothing.
  readonly #at: Float64Array;
  readonly #values: Float64Array;
  /** Sorting space for percentile(), reused across calls. */
  readonly #sorted: Float64Array;
  #head = 0;
  #size = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples: number,
  ) {
    if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new RangeError(`maxSamples must be a positive integer, got ${maxSamples}`);
    this.#at = new Float64Array(maxSamples);
    this.#values = new Float64Array(maxSamples);
    this.#sorted = new Float64Array(maxSamples);
  }

  add(value: number, now = performance.now()): void {
    const capacity = this.maxSamples;
    if (this.#size === capacity) {
      // Full: the newest overwrites the oldest.
      this.#at[this.#head] = now;
      this.#values[this.#head] = value;
      this.#head = (this.#head + 1) % capacity;
      return;
    }
    const i = (this.#head + this.#size) % capacity;
    this.#at[i] = now;
    this.#values[i] = value;
    this.#size++;
  }

  private prune(now: number): void {
    const since = now - this.windowMs;
    while (this.#size > 0 && this.#at[this.#head]! < since) {
      this.#head = (this.#head + 1) % this.maxSamples;
      this.#size--;
    }
  }

  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }

  /** Samples inside the window. */
  count(now = performance.now()): number {
    this.prune(now);
    return this.#size;
  }

  /** Nearest-rank percentile (p in 0..100) of the samples inside the window; undefined when there is none. */
  percentile(p: number, now = performance.now()): number | undefined {
    this.prune(now);
    const n = this.#size;
    if (n === 0) return undefined;
    for (let k = 0; k < n; k++) this.#sorted[k] = this.#values[(this.#head + k) % this.maxSamples]!;
    const sorted = this.#sorted.subarray(0, n).sort();
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    return sorted[rank - 1];
  }

  /** Samples inside the window per second of window. */
  ratePerSecond(now = performance.now()): number {
    return (this.count(now) * 1000) / this.windowMs;
  }
}

/** Adds two optional numbers (undefined when either is). */
export function plus(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}
