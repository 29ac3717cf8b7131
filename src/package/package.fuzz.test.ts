import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './package.fuzz.js';

function fuzz(name: string, cases: number, accepted = true): void {
  const target = targets.find((t) => t.name === name)!;
  expect(() => target.run(target.seeds[0]!)).not.toThrow();
  const result = runFuzz(target, { cases, seed: 0x4b9 });
  expect(result.failures).toEqual([]);
  expect(result.rejected).toBeGreaterThan(0);
  if (accepted) expect(result.accepted).toBeGreaterThan(0);
}

describe('package fuzz targets', () => {
  it('runs 2,000 cases of package.archive without a failure', () => fuzz('package.archive', 2000), 120_000);
  it('runs 2,000 cases of package.index without a failure', () => fuzz('package.index', 2000), 120_000);
  it('runs 2,000 cases of package.manifest without a failure', () => fuzz('package.manifest', 2000, false), 120_000);
});
