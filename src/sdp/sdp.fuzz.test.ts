import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { loadSdpFixtures } from './__fixtures__/load.js';
import { targets } from './sdp.fuzz.js';

/** 2,000 cases of one target: no failure, and both parsed and rejected inputs occur. */
function fuzz(name: string): void {
  const target = targets.find((t) => t.name === name)!;
  const result = runFuzz(target, { cases: 2000, seed: 0x5d9 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  expect(result.rejected).toBeGreaterThan(0);
}

describe('fuzz targets', () => {
  it('exports parse, validate, answer and fmtp targets seeded with every fixture', () => {
    expect(targets.map((t) => t.name)).toEqual(['sdp.parse', 'sdp.validate', 'sdp.answer', 'sdp.fmtp']);
    expect(targets[0].seeds.length).toBe(loadSdpFixtures().length);
    expect(targets[3].seeds.length).toBeGreaterThan(10);
  });

  it('runs 2,000 cases of sdp.parse without a failure', () => fuzz('sdp.parse'));
  it('runs 2,000 cases of sdp.validate without a failure', () => fuzz('sdp.validate'));
  it('runs 2,000 cases of sdp.answer without a failure', () => fuzz('sdp.answer'));
  it('runs 2,000 cases of sdp.fmtp without a failure', () => fuzz('sdp.fmtp'));
});
