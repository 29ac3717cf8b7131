import { describe, expect, it } from 'vitest';
import { SequenceUnwrapper, seqAdd, seqDelta, seqNewer } from './sequence.js';

describe('sequence numbers', () => {
  it('compares and adds across the 16-bit wrap', () => {
    expect(seqDelta(65535, 0)).toBe(1);
    expect(seqDelta(0, 65535)).toBe(-1);
    expect(seqNewer(65000, 10)).toBe(true);
    expect(seqNewer(10, 65000)).toBe(false);
    expect(seqAdd(65535, 2)).toBe(1);
  });

  it('unwraps to a monotonic line and places late packets before the newest', () => {
    const u = new SequenceUnwrapper();
    expect(u.unwrap(65534)).toBe(65534);
    expect(u.unwrap(65535)).toBe(65535);
    expect(u.unwrap(1)).toBe(65537);
    expect(u.unwrap(0)).toBe(65536);
    expect(u.newest).toBe(65537);
    expect(u.unwrap(65533)).toBe(65533);
  });
});
