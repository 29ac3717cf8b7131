/** Builders for scenario checks, so every threshold reads the same way in every report. */
import type { Check } from './types.js';

/** Rounds for display and storage (reports keep 4 significant decimals at most). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function atLeast(name: string, value: number, min: number, unit?: string, detail?: string): Check {
  return { name, value: round(value), ...(unit ? { unit } : {}), threshold: `>= ${min}`, pass: Number.isFinite(value) && value >= min, ...(detail ? { detail } : {}) };
}

export function atMost(name: string, value: number, max: number, unit?: string, detail?: string): Check {
  return { name, value: round(value), ...(unit ? { unit } : {}), threshold: `<= ${max}`, pass: Number.isFinite(value) && value <= max, ...(detail ? { detail } : {}) };
}

export function isTrue(name: string, value: boolean, detail?: string): Check {
  return { name, value, threshold: '== true', pass: value === true, ...(detail ? { detail } : {}) };
}

export function equals(name: string, value: string | number, expected: string | number, detail?: string): Check {
  return { name, value, threshold: `== ${expected}`, pass: value === expected, ...(detail ? { detail } : {}) };
}

/** Percentile by nearest rank (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
