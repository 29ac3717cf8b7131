import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../../fuzz/engine.js';
import { targets } from './code.fuzz.js';

describe('fuzz targets', () => {
  for (const target of targets) {
    it(`${target.name} survives 2,000 mutated inputs`, () => {
      const result = runFuzz(target, { cases: 2000, seed: 7 });
      expect(result.failures).toEqual([]);
      expect(result.accepted + result.rejected).toBe(2000);
    });
  }
});
