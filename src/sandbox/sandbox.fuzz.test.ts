import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { readModuleInfo } from './wasm-binary.js';
import { targets } from './sandbox.fuzz.js';

describe('sandbox fuzz target', () => {
  it('the hand-written seed reads as two imports and one own memory', () => {
    const info = readModuleInfo(targets[0]!.seeds[1]!);
    expect(info.imports.map((i) => `${i.module}.${i.name}:${i.kind}`)).toEqual(['spellbook.log:function', 'env.memory:memory']);
    expect(info.imports[1]!.limits).toEqual({ minPages: 1, maxPages: 2, shared: false, memory64: false });
    expect(info.ownMemories).toBe(1);
  });

  it('runs 5,000 cases of sandbox.module without a failure', () => {
    const result = runFuzz(targets[0]!, { cases: 5000, seed: 0x5a1d });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.rejected).toBeGreaterThan(0);
  }, 60_000);
});
