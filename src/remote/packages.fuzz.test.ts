import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './packages.fuzz.js';

describe('remote package transfer fuzz target', () => {
  it('runs 2,000 cases of remote.package-transfer without a failure: only typed refusals, and the unmutated transfer is stored', () => {
    const target = targets.find((t) => t.name === 'remote.package-transfer')!;
    expect(target.run(target.seeds[0]!)).toBe(1);
    const result = runFuzz(target, { cases: 2000, seed: 0x5e4d });
    expect(result.failures).toEqual([]);
    expect(result.rejected).toBeGreaterThan(0);
    expect(result.accepted).toBeGreaterThan(0);
  }, 180_000);
});
