import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './envelope.fuzz.js';

function fuzz(name: string): void {
  const target = targets.find((t) => t.name === name)!;
  const result = runFuzz(target, { cases: 2000, seed: 0xe17 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.rejected).toBeGreaterThan(0);
}

describe('envelope fuzz targets', () => {
  it('runs 2,000 cases of envelope.parse-json without a failure', () => fuzz('envelope.parse-json'));
  it('runs 2,000 cases of envelope.verify without a failure', () => fuzz('envelope.verify'));
});
