import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './mesh.fuzz.js';

function fuzz(name: string): void {
  const target = targets.find((t) => t.name === name)!;
  const result = runFuzz(target, { cases: 2000, seed: 0x3e5 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.rejected).toBeGreaterThan(0);
}

describe('mesh fuzz targets', () => {
  it('runs 2,000 cases of mesh.inbound (direct) without a failure: nothing delivered that was not signed', () => fuzz('mesh.inbound'));
  it('runs 2,000 cases of mesh.inbound-relay without a failure', () => fuzz('mesh.inbound-relay'));
  it('runs 2,000 cases of mesh.state: the state journal reader never throws, keeps only well-formed records, and reads back what it writes', () => {
    const result = runFuzz(targets.find((t) => t.name === 'mesh.state')!, { cases: 2000, seed: 0x57a7e });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBe(2000);
  });
});
