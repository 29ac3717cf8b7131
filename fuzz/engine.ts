/**
 * A small, deterministic mutation fuzzer for the project's parsers.
 *
 * Each parser module ships a `*.fuzz.ts` beside its code exporting `targets: FuzzTarget[]`.
 * A target feeds bytes to a parser; the only exception it may throw is the module's own
 * typed parse error (`isExpectedError`). Anything else, a case slower than `maxCaseMs`
 * (a hang in the making), or heap growth beyond `maxHeapGrowthBytes` fails the run.
 * Unit tests run a few thousand cases; `npm run fuzz` runs 100,000 per target.
 */

export interface FuzzTarget {
  /** Short name, e.g. `sdp.parse`. */
  name: string;
  /** Real inputs (fixtures) the mutator starts from. At least one. */
  seeds: Uint8Array[];
  /** Parse one input. Must return normally or throw an expected error. */
  run(input: Uint8Array): unknown;
  /** True when `error` is the module's typed parse error (which must carry an offset or line). */
  isExpectedError(error: unknown): boolean;
  /** Largest generated input in bytes (default: 2 x the largest seed, at least 4 KiB). */
  maxLength?: number;
  /** Slowest acceptable single case in milliseconds (default 250). */
  maxCaseMs?: number;
}

export interface FuzzOptions {
  cases: number;
  seed?: number;
  maxHeapGrowthBytes?: number;
  /** Called every `progressEvery` cases. */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
}

export interface FuzzFailure {
  kind: 'unexpected-error' | 'slow-case' | 'heap-growth';
  caseIndex: number;
  message: string;
  /** The input that failed, hex encoded (empty for heap growth). */
  inputHex: string;
}

export interface FuzzResult {
  target: string;
  cases: number;
  accepted: number;
  rejected: number;
  elapsedMs: number;
  heapGrowthBytes: number;
  failures: FuzzFailure[];
}

/** mulberry32: a tiny seeded PRNG so failures are reproducible from the seed. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x20, 0x3a, 0x3d, 0x2f];

/** Produce one mutated input from a seed (or pure random bytes, 1 case in 16). */
export function mutate(seeds: Uint8Array[], random: () => number, maxLength: number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  if (random() < 1 / 16) {
    const out = new Uint8Array(pick(Math.min(maxLength, 512)));
    for (let i = 0; i < out.length; i++) out[i] = pick(256);
    return out;
  }
  let data = Array.from(seeds[pick(seeds.length)]);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = data.length ? pick(data.length) : 0;
    switch (pick(8)) {
      case 0: // flip a bit
        if (data.length) data[at] ^= 1 << pick(8);
        break;
      case 1: // set an interesting byte
        if (data.length) data[at] = INTERESTING_BYTES[pick(INTERESTING_BYTES.length)];
        break;
      case 2: // random byte
        if (data.length) data[at] = pick(256);
        break;
      case 3: // truncate
        data = data.slice(0, at);
        break;
      case 4: // delete a run
        data.splice(at, 1 + pick(16));
        break;
      case 5: // insert random bytes
        data.splice(at, 0, ...Array.from({ length: 1 + pick(16) }, () => pick(256)));
        break;
      case 6: { // duplicate a run from elsewhere
        const from = data.length ? pick(data.length) : 0;
        data.splice(at, 0, ...data.slice(from, from + 1 + pick(64)));
        break;
      }
      case 7: { // splice with another seed
        const other = seeds[pick(seeds.length)];
        const from = other.length ? pick(other.length) : 0;
        data = data.slice(0, at).concat(Array.from(other.subarray(from)));
        break;
      }
    }
  }
  if (data.length > maxLength) data.length = maxLength;
  return Uint8Array.from(data);
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 4096)).toString('hex');
}

/** Run `options.cases` fuzz cases against one target. Never throws for target failures. */
export function runFuzz(target: FuzzTarget, options: FuzzOptions): FuzzResult {
  if (target.seeds.length === 0) throw new Error(`fuzz target ${target.name} has no seeds`);
  const random = createRandom(options.seed ?? 0x5eed);
  const largestSeed = Math.max(...target.seeds.map((s) => s.length));
  const maxLength = target.maxLength ?? Math.max(4096, largestSeed * 2);
  const maxCaseMs = target.maxCaseMs ?? 250;
  const failures: FuzzFailure[] = [];
  let accepted = 0;
  let rejected = 0;
  // Warm up on the seeds (lazy schema compiles, JIT) so the per-case time limit measures
  // the parser, not module start-up. Seeds are real inputs; errors here are checked below.
  for (const seed of target.seeds) {
    try { target.run(seed); } catch { /* judged in the main loop */ }
  }
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  for (let i = 0; i < options.cases; i++) {
    const input = mutate(target.seeds, random, maxLength);
    const t0 = performance.now();
    try {
      target.run(input);
      accepted++;
    } catch (error) {
      if (target.isExpectedError(error)) rejected++;
      else if (failures.length < 20) {
        const message = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
        failures.push({ kind: 'unexpected-error', caseIndex: i, message, inputHex: toHex(input) });
      }
    }
    const took = performance.now() - t0;
    if (took > maxCaseMs && failures.length < 20) {
      failures.push({ kind: 'slow-case', caseIndex: i, message: `case took ${took.toFixed(1)} ms (limit ${maxCaseMs})`, inputHex: toHex(input) });
    }
    if (options.onProgress && options.progressEvery && (i + 1) % options.progressEvery === 0) options.onProgress(i + 1, options.cases);
  }
  const elapsedMs = performance.now() - started;
  (globalThis as { gc?: () => void }).gc?.();
  const heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore;
  const limit = options.maxHeapGrowthBytes ?? 256 * 1024 * 1024;
  if (heapGrowthBytes > limit) {
    failures.push({ kind: 'heap-growth', caseIndex: options.cases, message: `heap grew ${(heapGrowthBytes / 1048576).toFixed(1)} MiB (limit ${(limit / 1048576).toFixed(0)} MiB)`, inputHex: '' });
  }
  return { target: target.name, cases: options.cases, accepted, rejected, elapsedMs, heapGrowthBytes, failures };
}
