import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './pipeline-manifest.fuzz.js';

describe('pipeline-manifest fuzz target', () => {
  it('runs 2,000 cases of pipeline-manifest.load without a failure', () => {
    const result = runFuzz(targets[0]!, { cases: 2000, seed: 0x3e1 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.rejected).toBeGreaterThan(0);
  }, 60_000);
});
