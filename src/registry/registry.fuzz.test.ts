import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { parseChallenge } from './http-store.js';
import { targets } from './registry.fuzz.js';

function fuzz(name: string): void {
  const result = runFuzz(targets.find((t) => t.name === name)!, { cases: 2000, seed: 0x0c1 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
}

describe('registry fuzz targets', () => {
  it('reads a Bearer challenge with quoted parameters', () => {
    expect(parseChallenge('Bearer realm="https://a/token",service="r",scope="repository:x:pull"')).toEqual({ scheme: 'bearer', params: { realm: 'https://a/token', service: 'r', scope: 'repository:x:pull' } });
  });
  it('runs 2,000 cases of registry.reference without a failure', () => fuzz('registry.reference'), 60_000);
  it('runs 2,000 cases of registry.challenge without a failure', () => fuzz('registry.challenge'), 60_000);
});
