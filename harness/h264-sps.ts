/**
 * A minimal H.264 sequence parameter set reader (ITU-T H.264 section 7.3.2.1.1): enough of
 * the syntax to reach the picture size and cropping, which give the coded width and height
 * (7.4.2.1.1, equations 7-13 to 7-20). Throws only `SpsParseError`, with the byte offset in
 * the NAL unit where reading failed.
 */

/** A malformed or truncated SPS; `offset` is a byte offset into the NAL unit given. */
export class SpsParseError extends Error {
  override readonly name = 'SpsParseError';
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
  }
}

export interface SpsInfo {
  profileIdc: number;
  /** constraint_set0..5 flags and reserved bits, as the second byte. */
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  chromaFormatIdc: number;
  frameMbsOnly: boolean;
  /** Luma width and height after cropping, in samples. */
  width: number;
  height: number;
  /** The profile-level-id the SPS implies, e.g. "42e01f" (RFC 6184 section 8.1). */
  profileLevelId: string;
}

/** Profiles whose SPS carries chroma_format_idc and the following fields (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);
/** Largest exp-Golomb prefix accepted (values up to 2^32 - 2). */
const MAX_LEADING_ZEROS = 31;

/** Bit reader over the RBSP (emulation prevention bytes removed, section 7.4.1). */
class BitReader {
  private bit = 0;
  constructor(private readonly rbsp: Uint8Array, private readonly offsets: Uint32Array) {}

  private offset(): number {
    const i = Math.min(this.bit >>> 3, this.rbsp.length - 1);
    return i < 0 ? 0 : this.offsets[i]!;
  }

  u1(): number {
    const byte = this.bit >>> 3;
    if (byte >= this.rbsp.length) throw new SpsParseError('SPS ends early', this.offsets[this.rbsp.length - 1] ?? 0);
    const v = (this.rbsp[byte]! >>> (7 - (this.bit & 7))) & 1;
    this.bit++;
    return v;
  }

  u(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 2 + this.u1();
    return v;
  }

  /** ue(v), 9.1. */
  ue(): number {
    const at = this.offset();
    let zeros = 0;
    while (this.u1() === 0) {
      if (++zeros > MAX_LEADING_ZEROS) throw new SpsParseError('exp-Golomb code longer than 32 bits', at);
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  /** se(v), 9.1.1. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }

  checkRange(value: number, max: number, what: string): number {
    if (value > max) this.fail(`${what} ${value} out of range (max ${max})`);
    return value;
  }

  fail(message: string): never {
    throw new SpsParseError(message, this.offset());
  }
}

/** Removes emulation prevention bytes, keeping each RBSP byte's offset in the NAL unit. */
function toRbsp(nal: Uint8Array, from: number): { rbsp: Uint8Array; offsets: Uint32Array } {
  const rbsp = new Uint8Array(nal.length);
  const offsets = new Uint32Array(nal.length);
  let n = 0;
  let zeros = 0;
  for (let i = from; i < nal.length; i++) {
    const b = nal[i]!;
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    rbsp[n] = b;
    offsets[n++] = i;
  }
  return { rbsp: rbsp.subarray(0, n), offsets: offsets.subarray(0, n) };
}

/** scaling_list() (7.3.2.1.1.1): read and discarded. */
function skipScalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.se();
      if (delta < -128 || delta > 127) r.fail(`delta_scale ${delta} out of range`);
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

/** Reads an SPS NAL unit (header byte included, nal_unit_type 7). */
export function parseSps(nal: Uint8Array): SpsInfo {
  if (nal.length < 1) throw new SpsParseError('empty NAL unit', 0);
  if ((nal[0]! & 0x1f) !== 7) throw new SpsParseError(`NAL unit type ${nal[0]! & 0x1f} is not an SPS (7)`, 0);
  const { rbsp, offsets } = toRbsp(nal, 1);
  const r = new BitReader(rbsp, offsets);
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  const spsId = r.checkRange(r.ue(), 31, 'seq_parameter_set_id');
  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.checkRange(r.ue(), 3, 'chroma_format_idc');
    if (chromaFormatIdc === 3) separateColourPlane = r.u1() === 1;
    r.checkRange(r.ue(), 6, 'bit_depth_luma_minus8');
    r.checkRange(r.ue(), 6, 'bit_depth_chroma_minus8');
    r.u1(); // qpprime_y_zero_transform_bypass_flag
    if (r.u1() === 1) {
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) if (r.u1() === 1) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  r.checkRange(r.ue(), 12, 'log2_max_frame_num_minus4');
  const pocType = r.checkRange(r.ue(), 2, 'pic_order_cnt_type');
  if (pocType === 0) r.checkRange(r.ue(), 12, 'log2_max_pic_order_cnt_lsb_minus4');
  else if (pocType === 1) {
    r.u1(); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.checkRange(r.ue(), 255, 'num_ref_frames_in_pic_order_cnt_cycle');
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.u1(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.checkRange(r.ue(), 1023, 'pic_width_in_mbs_minus1') + 1;
  const heightMapUnits = r.checkRange(r.ue(), 1023, 'pic_height_in_map_units_minus1') + 1;
  const frameMbsOnly = r.u1() === 1;
  if (!frameMbsOnly) r.u1(); // mb_adaptive_frame_field_flag
  r.u1(); // direct_8x8_inference_flag
  let crop = [0, 0, 0, 0];
  if (r.u1() === 1) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
  // 7.4.2.1.1: ChromaArrayType, SubWidthC / SubHeightC (table 6-1), CropUnitX / CropUnitY.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidthC = chromaFormatIdc === 3 ? 1 : 2;
  const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
  const fieldFactor = frameMbsOnly ? 1 : 2;
  const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
  const cropUnitY = chromaArrayType === 0 ? fieldFactor : subHeightC * fieldFactor;
  const fullWidth = widthMbs * 16;
  const fullHeight = heightMapUnits * 16 * fieldFactor;
  const width = fullWidth - cropUnitX * (crop[0]! + crop[1]!);
  const height = fullHeight - cropUnitY * (crop[2]! + crop[3]!);
  if (width <= 0 || height <= 0) throw new SpsParseError(`cropping leaves ${width}x${height}`, offsets[rbsp.length - 1] ?? 0);
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return {
    profileIdc,
    constraintFlags,
    levelIdc,
    spsId,
    chromaFormatIdc,
    frameMbsOnly,
    width,
    height,
    profileLevelId: hex(profileIdc) + hex(constraintFlags) + hex(levelIdc),
  };
}
