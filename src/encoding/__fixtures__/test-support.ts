/**
 * Test-only helpers: an RBSP bit reader and parsers for the few headers the tests inspect
 * (SPS fields, slice header prefix). Not exported from the module's index.
 */
import { MediaParseError } from '../errors.js';
import { splitAnnexB, unescapeRbsp } from '../nal.js';

export class RbspReader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.bytes[this.pos >> 3];
      if (byte === undefined) throw new RangeError(`read past end at bit ${this.pos}`);
      v = v * 2 + ((byte >> (7 - (this.pos & 7))) & 1);
      this.pos++;
    }
    return v;
  }
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) zeros++;
    return 2 ** zeros - 1 + this.u(zeros);
  }
  se(): number {
    const k = this.ue();
    return k % 2 ? (k + 1) / 2 : -k / 2;
  }
}

export interface ParsedSps {
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  log2MaxFrameNum: number;
  pocType: number;
  maxNumRefFrames: number;
  widthMbs: number;
  heightMbs: number;
  crop: [number, number, number, number] | null;
  numUnitsInTick: number;
  timeScale: number;
  maxNumReorderFrames: number;
}

/** Parse the SPS fields this encoder writes (Baseline, frame_mbs_only, POC type 2). */
export function parseSps(rbsp: Uint8Array): ParsedSps {
  const r = new RbspReader(rbsp);
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  r.ue(); // sps id
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  if (pocType !== 2) throw new Error('test parser handles POC type 2 only');
  const maxNumRefFrames = r.ue();
  r.u(1);
  const widthMbs = r.ue() + 1;
  const heightMbs = r.ue() + 1;
  r.u(1); // frame_mbs_only (1)
  r.u(1);
  const crop = r.u(1) ? ([r.ue(), r.ue(), r.ue(), r.ue()] as [number, number, number, number]) : null;
  if (!r.u(1)) throw new Error('no VUI');
  r.u(1);
  r.u(1);
  r.u(1);
  r.u(1);
  if (!r.u(1)) throw new Error('no timing info');
  const numUnitsInTick = r.u(32);
  const timeScale = r.u(32);
  r.u(1);
  r.u(1);
  r.u(1);
  r.u(1);
  if (!r.u(1)) throw new Error('no bitstream restriction');
  r.u(1);
  r.ue();
  r.ue();
  r.ue();
  r.ue();
  const maxNumReorderFrames = r.ue();
  return { profileIdc, constraintFlags, levelIdc, log2MaxFrameNum, pocType, maxNumRefFrames, widthMbs, heightMbs, crop, numUnitsInTick, timeScale, maxNumReorderFrames };
}

export interface ParsedSliceHeader {
  nalType: number;
  firstMb: number;
  sliceType: number;
  frameNum: number;
  idrPicId: number | null;
  sliceQp: number;
  disableDeblockingFilterIdc: number;
}

/** Parse the slice header of the (single) slice NAL unit of an access unit. */
export function parseSliceHeader(accessUnit: Uint8Array, log2MaxFrameNum: number): ParsedSliceHeader {
  const nal = splitAnnexB(accessUnit).find((n) => n.type === 1 || n.type === 5);
  if (!nal) throw new Error('no slice');
  const r = new RbspReader(unescapeRbsp(nal.payload));
  const firstMb = r.ue();
  const sliceType = r.ue();
  r.ue(); // pps id
  const frameNum = r.u(log2MaxFrameNum);
  const idrPicId = nal.type === 5 ? r.ue() : null;
  if (sliceType % 5 === 0) {
    r.u(1);
    r.u(1);
  }
  if (nal.type === 5) {
    r.u(1);
    r.u(1);
  } else r.u(1);
  const sliceQp = 26 + r.se();
  const disableDeblockingFilterIdc = r.ue();
  return { nalType: nal.type, firstMb, sliceType, frameNum, idrPicId, sliceQp, disableDeblockingFilterIdc };
}

/** The byte offset of the MediaParseError `fn` throws (fails if it throws nothing or something else). */
export function offsetOf(fn: () => unknown): number {
  try {
    fn();
  } catch (e) {
    if (e instanceof MediaParseError) return e.offset;
    throw e;
  }
  throw new Error('did not throw');
}
