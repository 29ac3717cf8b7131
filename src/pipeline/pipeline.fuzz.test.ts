import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './pipeline.fuzz.js';

function fuzz(name: string, cases: number): void {
  const target = targets.find((t) => t.name === name)!;
  const result = runFuzz(target, { cases, seed: 0x9e1 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.rejected).toBeGreaterThan(0);
}

describe('pipeline fuzz targets', () => {
  it('runs 1,000 cases of pipeline.load without a failure', () => fuzz('pipeline.load', 1000), 60_000);
  it('runs 2,000 cases of pipeline.frame without a failure', () => fuzz('pipeline.frame', 2000), 60_000);
});
