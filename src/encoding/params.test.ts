import { describe, expect, it } from 'vitest';
import { H264Encoder } from './encoder.js';
import { createI420Frame } from './frame.js';
import { NalType, splitAnnexB, unescapeRbsp } from './nal.js';
import { parseSliceHeader, parseSps } from './__fixtures__/test-support.js';

function spsOf(enc: H264Encoder) {
  const au = enc.encode(createI420Frame(enc.width, enc.height)).data;
  const sps = splitAnnexB(au).find((n) => n.type === NalType.Sps);
  if (!sps) throw new Error('no SPS');
  return parseSps(unescapeRbsp(sps.payload));
}

describe('parameter sets and slice headers', () => {
  it('the SPS of a 720p30 stream is Constrained Baseline level 3.1 with VUI timing and no reordering', () => {
    const sps = spsOf(new H264Encoder({ width: 1280, height: 720, fps: 30 }));
    expect(sps).toEqual({
      profileIdc: 66,
      constraintFlags: 0xe0,
      levelIdc: 31,
      log2MaxFrameNum: 8,
      pocType: 2,
      maxNumRefFrames: 1,
      widthMbs: 80,
      heightMbs: 45,
      crop: null,
      numUnitsInTick: 1,
      timeScale: 60,
      maxNumReorderFrames: 0,
    });
  });

  it('the SPS crops a 200x120 picture from 208x128 coded samples', () => {
    const sps = spsOf(new H264Encoder({ width: 200, height: 120 }));
    expect([sps.widthMbs, sps.heightMbs, sps.crop]).toEqual([13, 8, [0, 4, 0, 4]]);
  });

  it('frame_num counts reference pictures and restarts at each IDR whose idr_pic_id alternates', () => {
    const enc = new H264Encoder({ width: 64, height: 48, qp: 30, keyInterval: 3 });
    const f = createI420Frame(64, 48);
    const headers = Array.from({ length: 8 }, () => parseSliceHeader(enc.encode(f).data, 8));
    expect(headers.map((h) => h.nalType)).toEqual([5, 1, 1, 5, 1, 1, 5, 1]);
    expect(headers.map((h) => h.frameNum)).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
    expect(headers.map((h) => h.idrPicId)).toEqual([0, null, null, 1, null, null, 0, null]);
    expect(headers.map((h) => h.sliceType)).toEqual([7, 5, 5, 7, 5, 5, 7, 5]);
    // quality (the default) deblocks across slice edges too (idc 0), within slices only when asked
    // (idc 2); realtime signals the filter off (idc 1)
    expect(new Set(headers.map((h) => `${h.sliceQp}/${h.disableDeblockingFilterIdc}/${h.firstMb}`))).toEqual(new Set(['30/0/0']));
    const within = new H264Encoder({ width: 64, height: 48, qp: 30, deblockAcrossSlices: false });
    expect(parseSliceHeader(within.encode(f).data, 8).disableDeblockingFilterIdc).toBe(2);
    const rt = new H264Encoder({ width: 64, height: 48, qp: 30, keyInterval: 3, preset: 'realtime' });
    expect(new Set(Array.from({ length: 3 }, () => parseSliceHeader(rt.encode(f).data, 8).disableDeblockingFilterIdc))).toEqual(new Set([1]));
  });

  it('each slice of a picture starts at a macroblock row with the same frame_num and idr_pic_id', () => {
    const enc = new H264Encoder({ width: 64, height: 80, slices: 2 });
    const f = createI420Frame(64, 80);
    for (const expectType of [5, 1]) {
      const au = enc.encode(f).data;
      const slices = splitAnnexB(au).filter((n) => n.type === 1 || n.type === 5);
      expect(slices.map((n) => n.type)).toEqual([expectType, expectType]);
      const headers = slices.map((n) => {
        const one = new Uint8Array(4 + 1 + n.payload.length);
        one.set([0, 0, 0, 1, au[n.offset]]);
        one.set(n.payload, 5);
        return parseSliceHeader(one, 8);
      });
      // 5 macroblock rows of 4: slices start at rows 0 and 2
      expect(headers.map((h) => h.firstMb)).toEqual([0, 8]);
      expect(new Set(headers.map((h) => `${h.frameNum}/${h.idrPicId}`)).size).toBe(1);
    }
    expect(() => new H264Encoder({ width: 64, height: 80, slices: 6 })).toThrow(RangeError);
  });

  it('frame_num wraps at MaxFrameNum in a long GOP', () => {
    const enc = new H264Encoder({ width: 32, height: 32, keyInterval: 0 });
    const f = createI420Frame(32, 32);
    let last = 0;
    for (let i = 0; i < 258; i++) last = parseSliceHeader(enc.encode(f).data, 8).frameNum;
    expect(last).toBe(257 % 256);
  });
});
