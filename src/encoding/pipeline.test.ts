import { describe, expect, it } from 'vitest';
import { splitAnnexB } from './nal.js';
import { encodeClip } from './pipeline.js';
import { SyntheticSource } from './synthetic.js';
import { copyI420Frame } from './frame.js';
import { Y4mReader, writeY4m } from './y4m.js';

describe('encodeClip', () => {
  it('encodes a Y4M clip into one Annex B stream with its figures', async () => {
    const src = new SyntheticSource({ width: 160, height: 96, clock: () => 0 });
    const y4m = writeY4m(Array.from({ length: 7 }, () => copyI420Frame(src.next())), 25);
    const result = await encodeClip(new Y4mReader(y4m), { fps: 25, qp: 30, keyInterval: 5 });
    expect([result.frames, result.keyframes, result.codec]).toEqual([7, 2, 'avc1.42e00b']);
    expect(result.accessUnits.reduce((a, b) => a + b, 0)).toBe(result.stream.length);
    expect(splitAnnexB(result.stream).filter((n) => n.type === 5 || n.type === 1).length).toBe(7);
    expect(result.bitrate).toBeCloseTo((result.stream.length * 8 * 25) / 7, 6);
    expect(result.psnrY).toBeGreaterThan(35);
  });

  it('stops at maxFrames and gives the same stream on worker threads', async () => {
    const a = await encodeClip(new SyntheticSource({ width: 96, height: 64, clock: () => 0 }), { maxFrames: 4, slices: 2 });
    const b = await encodeClip(new SyntheticSource({ width: 96, height: 64, clock: () => 0 }), { maxFrames: 4, threads: 2, slices: 2 });
    expect(a.frames).toBe(4);
    expect(b.stream).toEqual(a.stream);
  });
});
