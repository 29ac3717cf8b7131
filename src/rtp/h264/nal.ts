/**
 * H.264 NAL unit helpers: the NAL unit header (ITU-T H.264 7.3.1) and the Annex B byte
 * stream format (H.264 Annex B: NAL units separated by 0x000001 or 0x00000001 start codes).
 */
import { NAL_TYPE } from '../constants.js';

/**
 * NAL unit header, H.264 7.3.1 / RFC 6184 1.3:
 * ```
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |
 * +---------------+
 * ```
 */
export function nalUnitType(nal: Uint8Array): number {
  return nal.length ? nal[0] & 0x1f : 0;
}

/** nal_ref_idc (2 bits). */
export function nalRefIdc(nal: Uint8Array): number {
  return nal.length ? (nal[0] >> 5) & 0x03 : 0;
}

/**
 * Find the NAL units of an Annex B stream. Calls `found(start, end)` for each NAL unit
 * (excluding start codes and trailing zero bytes); allocates nothing. Bytes before the
 * first start code are ignored.
 */
export function scanAnnexB(data: Uint8Array, found: (start: number, end: number) => void): void {
  const n = data.length;
  let nalStart = -1;
  let i = 0;
  while (i + 2 < n) {
    // Skip ahead quickly: a start code needs data[i+2] to be 0 or 1.
    const c = data[i + 2];
    if (c > 1) {
      i += 3;
      continue;
    }
    if (c === 1 && data[i] === 0 && data[i + 1] === 0) {
      if (nalStart >= 0) emit(data, nalStart, i, found);
      nalStart = i + 3;
      i += 3;
      continue;
    }
    i++;
  }
  if (nalStart >= 0) emit(data, nalStart, n, found);
}

function emit(data: Uint8Array, start: number, end: number, found: (start: number, end: number) => void): void {
  while (end > start && data[end - 1] === 0) end--;
  if (end > start) found(start, end);
}

/** The NAL units of an Annex B access unit, as views into `data` (not copies). */
export function splitAnnexB(data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  scanAnnexB(data, (start, end) => out.push(data.subarray(start, end)));
  return out;
}

const START_CODE = Uint8Array.of(0, 0, 0, 1);

/** Join NAL units into one Annex B access unit with 4-byte start codes. */
export function toAnnexB(nalUnits: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const nal of nalUnits) size += 4 + nal.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const nal of nalUnits) {
    out.set(START_CODE, at);
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

/** True when the NAL units include an IDR slice (H.264 table 7-1, type 5). */
export function containsIdr(nalUnits: readonly Uint8Array[]): boolean {
  return nalUnits.some((nal) => nalUnitType(nal) === NAL_TYPE.idr);
}
