/** Helpers shared by the benchmarks in `bench/`: timing loops and a side-by-side table. */

export interface Measurement {
  name: string;
  opsPerSecond: number;
  iterations: number;
  elapsedMs: number;
}

/** Run `fn` repeatedly for at least `minMs` (after a warm-up) and return its rate. */
export function measure(name: string, fn: () => void, minMs = 1000): Measurement {
  const warmupEnd = performance.now() + Math.min(300, minMs / 3);
  while (performance.now() < warmupEnd) fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  let batch = 1;
  while (elapsed < minMs) {
    for (let i = 0; i < batch; i++) fn();
    iterations += batch;
    elapsed = performance.now() - start;
    if (elapsed < minMs / 10) batch *= 2;
  }
  return { name, opsPerSecond: (iterations / elapsed) * 1000, iterations, elapsedMs: elapsed };
}

/** Print ours versus the named peer, with the ratio and the goal. */
export function printComparison(title: string, ours: Measurement, peer: Measurement, goal: number, unit = 'ops/s'): void {
  const ratio = ours.opsPerSecond / peer.opsPerSecond;
  const fmt = (m: Measurement) => `${Math.round(m.opsPerSecond).toLocaleString('en-US')} ${unit}`;
  console.log(`${title}`);
  console.log(`  ${ours.name.padEnd(24)} ${fmt(ours)}`);
  console.log(`  ${peer.name.padEnd(24)} ${fmt(peer)}`);
  console.log(`  ratio ${ratio.toFixed(2)}x (goal >= ${goal}x): ${ratio >= goal ? 'met' : 'NOT met'}`);
}

/** Print a single figure with no peer to compare against. */
export function printFigure(title: string, m: Measurement, unit = 'ops/s'): void {
  console.log(`${title}\n  ${m.name.padEnd(24)} ${Math.round(m.opsPerSecond).toLocaleString('en-US')} ${unit}`);
}
