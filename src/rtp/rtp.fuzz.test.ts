import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './rtp.fuzz.js';

describe('RTP fuzz targets', () => {
  for (const target of targets) {
    it(`survives 2,000 mutated inputs: ${target.name}`, () => {
      const result = runFuzz(target, { cases: 2000, seed: 7 });
      expect(result.failures).toEqual([]);
      expect(result.accepted).toBeGreaterThan(0);
    });
  }
});
