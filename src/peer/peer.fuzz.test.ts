import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './peer.fuzz.js';

describe('peer fuzz target (seeded from Chrome Opus RTP)', () => {
  it('survives 2,000 mutated RTP/RTCP message sequences on an audio receiver, never throwing, never over capacity, always in order', () => {
    const result = runFuzz(targets.find((t) => t.name === 'peer.audio.receive')!, { cases: 2000, seed: 7 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBe(2000);
  });
});
