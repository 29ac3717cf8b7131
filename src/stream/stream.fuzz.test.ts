import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './stream.fuzz.js';

function fuzz(name: string, expectRejections = true): void {
  const target = targets.find((t) => t.name === name);
  if (!target) throw new Error(`no target ${name}`);
  const result = runFuzz(target, { cases: 2000, seed: 0x3e9 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  if (expectRejections) expect(result.rejected).toBeGreaterThan(0);
}

describe('stream fuzz targets', () => {
  it('runs 2,000 cases of stream.offer without a failure', () => fuzz('stream.offer'));
  it('runs 2,000 cases of stream.control without a failure', () => fuzz('stream.control'));
  it('runs 2,000 cases of stream.candidates without a failure', () => fuzz('stream.candidates', false));
});
