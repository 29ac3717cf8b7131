import { describe, expect, it } from 'vitest';
import { H264Encoder } from './encoder.js';
import { copyI420Frame, createI420Frame } from './frame.js';
import { ParallelH264Encoder } from './parallel.js';
import { SyntheticSource } from './synthetic.js';

describe('ParallelH264Encoder', () => {
  it('worker-thread encoding is byte-identical to the single-threaded encoder', async () => {
    const opts = { width: 320, height: 240, qp: 27, keyInterval: 5, slices: 3 };
    const a = new SyntheticSource({ width: 320, height: 240, pattern: 'scenecut', sceneLength: 4, clock: () => 7 });
    const b = new SyntheticSource({ width: 320, height: 240, pattern: 'scenecut', sceneLength: 4, clock: () => 7 });
    const single = new H264Encoder(opts);
    const parallel = await ParallelH264Encoder.create({ ...opts, threads: 2 });
    try {
      for (let i = 0; i < 8; i++) {
        const x = single.encode(a.next());
        const y = await parallel.encode(b.next());
        expect(y.data, `frame ${i}`).toEqual(x.data);
        expect(y.mbs).toEqual(x.mbs);
        expect(y.keyframe).toBe(x.keyframe);
        expect(copyI420Frame(parallel.reconstruction())).toEqual(copyI420Frame(single.reconstruction()));
      }
    } finally {
      await parallel.close();
    }
  });

  it('resizes by restarting its workers over new buffers', async () => {
    const enc = await ParallelH264Encoder.create({ width: 96, height: 64, threads: 2 });
    const ref = new H264Encoder({ width: 96, height: 64, slices: 2 });
    try {
      const a = new SyntheticSource({ width: 96, height: 64, stamp: false });
      const f0 = a.next();
      expect((await enc.encode(f0)).data).toEqual(ref.encode(f0).data);
      await enc.resize(64, 96);
      ref.resize(64, 96);
      const b = new SyntheticSource({ width: 64, height: 96, stamp: false });
      const f = b.next();
      const x = await enc.encode(f);
      expect(x.keyframe).toBe(true);
      expect(x.data).toEqual(ref.encode(f).data);
    } finally {
      await enc.close();
    }
  });

  it('uses one slice per thread by default and refuses overlapping or closed use', async () => {
    const enc = await ParallelH264Encoder.create({ width: 64, height: 64, threads: 2 });
    expect([enc.threads, enc.slices]).toEqual([2, 2]);
    const f = createI420Frame(64, 64);
    const first = enc.encode(f);
    await expect(enc.encode(f)).rejects.toThrow(/still being encoded/);
    await first;
    await enc.close();
    await expect(enc.encode(f)).rejects.toThrow(/closed/);
  });
});
