import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { parseChallenge } from './http-store.js';
import { targets } from './registry.fuzz.js';

describe('registry fuzz targets', () => {
  it('reads a Bearer challenge with quoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://a/token",service="r",scope="repository:x:pull"')).toEqual({ scheme: 'bearer', params: { realm: 'https://a/token', service: 'r', scope: 'repository:x:pull' } });
  });
  for (const name of ['registry.reference', 'registry.challenge']) {
    it(`runs 2,000 cases of ${name} without a failure`, () => {
      const result = runFuzz(targets.find((t) => t.name === name)!, { cases: 2000, seed: 0x0c1 });
      expect(result.failures).toEqual([]);
      expect(result.accepted).toBeGreaterThan(0);
    }, 60_000);
  }
});
