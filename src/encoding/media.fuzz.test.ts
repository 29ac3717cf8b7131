import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './media.fuzz.js';

function fuzz(name: string): void {
  const target = targets.find((t) => t.name === name);
  if (!target) throw new Error(`no target ${name}`);
  const result = runFuzz(target, { cases: 2000, seed: 0x264 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.rejected).toBeGreaterThan(0);
}

describe('encoding fuzz targets', () => {
  it('runs 2,000 cases of encoding.y4m without a failure', () => fuzz('encoding.y4m'));
  it('runs 2,000 cases of encoding.wav without a failure', () => fuzz('encoding.wav'));
});
