import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './media.fuzz.js';

function fuzz(name: string, cases = 2000): void {
  const target = targets.find((t) => t.name === name);
  if (!target) throw new Error(`no target ${name}`);
  const result = runFuzz(target, { cases, seed: 0x264 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.rejected).toBeGreaterThan(0);
}

describe('encoding fuzz targets', () => {
  it('runs 2,000 cases of encoding.y4m without a failure', () => fuzz('encoding.y4m'));
  it('runs 2,000 cases of encoding.wav without a failure', () => fuzz('encoding.wav'));
  it('runs 500 cases of encoding.y4m-file (streamed from disk) without a failure', () => fuzz('encoding.y4m-file', 500));
  it('runs 500 cases of encoding.wav-file (streamed from disk) without a failure', () => fuzz('encoding.wav-file', 500));
  it('runs 2,000 cases of encoding.pushed-frame without a failure', () => fuzz('encoding.pushed-frame'));
});
