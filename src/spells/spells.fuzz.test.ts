import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './spells.fuzz.js';

describe('spell readers under fuzzing', () => {
  it.each(targets.map((t) => ({ target: t, name: t.name })))('$name survives 1,500 mutated inputs', ({ target }) => {
    const result = runFuzz(target, { cases: 1500, seed: 7 });
    expect(result.failures).toEqual([]);
  });
});
