import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { candidateTarget, stunDecodeTarget, stunServerTarget } from './ice.fuzz.js';

describe('fuzzing the ICE parsers', () => {
  it('decodes 2,000 mutated STUN messages with only typed errors', () => {
    const result = runFuzz(stunDecodeTarget, { cases: 2000, seed: 1 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(50);
    expect(result.rejected).toBeGreaterThan(50);
  });

  it('the STUN server handles 2,000 mutated datagrams without throwing', () => {
    const result = runFuzz(stunServerTarget, { cases: 2000, seed: 2 });
    expect(result.failures).toEqual([]);
  });

  it('parses 2,000 mutated candidates with only typed errors and stable round trips', () => {
    const result = runFuzz(candidateTarget, { cases: 2000, seed: 3 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(50);
    expect(result.rejected).toBeGreaterThan(50);
  });
});
