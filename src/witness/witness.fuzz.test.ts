import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './witness.fuzz.js';

function fuzz(name: string): void {
  const target = targets.find((t) => t.name === name)!;
  const result = runFuzz(target, { cases: 2000, seed: 0x3e7 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.rejected).toBeGreaterThan(0);
}

describe('witness fuzz targets', () => {
  it('runs 2,000 cases of witness.entry-line without a failure', () => fuzz('witness.entry-line'));
  it('runs 2,000 cases of witness.checkpoint without a failure', () => fuzz('witness.checkpoint'));
  it('runs 2,000 cases of witness.verify-log without a failure', () => fuzz('witness.verify-log'));
});
