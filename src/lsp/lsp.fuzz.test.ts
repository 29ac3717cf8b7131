import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './lsp.fuzz.js';

describe('language server under fuzzing', () => {
  it('never throws on 1,500 mutated documents edited incrementally, whatever is asked about them', () => {
    const result = runFuzz(targets[0], { cases: 1500, seed: 11 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBe(1500);
  });
});
