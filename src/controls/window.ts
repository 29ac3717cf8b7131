/** Timed samples over a sliding window, with nearest-rank percentiles. */
export class SampleWindow {
  private readonly at: number[] = [];
  private readonly values: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples: number,
  ) {}

  add(value: number, now = performance.now()): void {
    this.at.push(now);
    this.values.push(value);
    if (this.values.length > this.maxSamples) {
      this.at.shift();
      this.values.shift();
    }
  }

  private prune(now: number): void {
    const since = now - this.windowMs;
    let n = 0;
    while (n < this.at.length && this.at[n]! < since) n++;
    if (n) {
      this.at.splice(0, n);
      this.values.splice(0, n);
    }
  }

  clear(): void {
    this.at.length = 0;
    this.values.length = 0;
  }

  /** Samples inside the window. */
  count(now = performance.now()): number {
    this.prune(now);
    return this.values.length;
  }

  /** Nearest-rank percentile (p in 0..100) of the samples inside the window; undefined when there is none. */
  percentile(p: number, now = performance.now()): number | undefined {
    this.prune(now);
    if (this.values.length === 0) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
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
