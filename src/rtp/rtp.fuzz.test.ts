import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './rtp.fuzz.js';

function fuzz(name: string) {
  const target = targets.find((t) => t.name === name)!;
  const result = runFuzz(target, { cases: 2000, seed: 7 });
  expect(result.failures).toEqual([]);
  expect(result.accepted).toBeGreaterThan(0);
  return result;
}

describe('RTP fuzz targets (seeded from Chrome packets)', () => {
  it('survives 2,000 mutated RTP packets, rebuilding each one it accepts', () => {
    expect(fuzz('rtp.parse').rejected).toBeGreaterThan(0);
  });

  it('survives 2,000 mutated RTCP compounds, each accepted one stable through write and re-parse', () => {
    expect(fuzz('rtp.rtcp.parse').rejected).toBeGreaterThan(0);
  });

  it('survives 2,000 mutated H.264 packet sequences through the depacketizer', () => {
    fuzz('rtp.h264.depacketize');
  });
});
