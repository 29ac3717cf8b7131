/**
 * Classifies one H.264 RTP payload (RFC 6184 5.2, table 1 of 5.4) without copying it.
 */
import { NAL_TYPE } from '../constants.js';
import { readU16 } from '../bytes.js';

/** What a payload holds, from the depacketizer's point of view. */
export const PayloadKind = {
  /** No payload: a padding-only packet (RFC 3550 5.1), e.g. bandwidth probing. */
  filler: 1,
  /** Single NAL unit packet (5.6), NAL types 1-23. */
  single: 2,
  /** STAP-A (5.7.1), validated: at least one NAL unit, every size inside the payload. */
  stapA: 3,
  /** FU-A (5.8) with S=1, with neither flag, with E=1. */
  fuStart: 4,
  fuMiddle: 5,
  fuEnd: 6,
  /** Anything else: reserved types, STAP-B/MTAP/FU-B (interleaved mode), broken STAP-A/FU-A. */
  malformed: 7,
} as const;
export type PayloadKind = (typeof PayloadKind)[keyof typeof PayloadKind];

/** Classify `payload`; bit 8 of the result is set when it carries IDR data (type 5). */
export function classifyPayload(payload: Uint8Array): number {
  const n = payload.length;
  if (n === 0) return PayloadKind.filler;
  const type = payload[0] & 0x1f;
  if (type >= 1 && type <= 23) return PayloadKind.single | (type === NAL_TYPE.idr ? 0x100 : 0);
  if (type === NAL_TYPE.stapA) {
    let idr = 0;
    let at = 1;
    if (at >= n) return PayloadKind.malformed;
    while (at < n) {
      if (at + 2 > n) return PayloadKind.malformed;
      const size = readU16(payload, at);
      at += 2;
      if (size === 0 || at + size > n) return PayloadKind.malformed;
      if ((payload[at] & 0x1f) === NAL_TYPE.idr) idr = 0x100;
      at += size;
    }
    return PayloadKind.stapA | idr;
  }
  if (type === NAL_TYPE.fuA) {
    if (n < 2) return PayloadKind.malformed;
    const fu = payload[1];
    const start = fu & 0x80;
    const end = fu & 0x40;
    const idr = (fu & 0x1f) === NAL_TYPE.idr ? 0x100 : 0;
    if (start && end) return PayloadKind.malformed;
    return (start ? PayloadKind.fuStart : end ? PayloadKind.fuEnd : PayloadKind.fuMiddle) | idr;
  }
  return PayloadKind.malformed;
}

/** Call `found` with each NAL unit of a STAP-A already classified as valid. */
export function forEachStapUnit(payload: Uint8Array, found: (nal: Uint8Array) => void): void {
  let at = 1;
  while (at + 2 <= payload.length) {
    const size = readU16(payload, at);
    at += 2;
    found(payload.subarray(at, at + size));
    at += size;
  }
}
