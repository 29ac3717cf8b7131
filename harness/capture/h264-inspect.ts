/**
 * Looks inside H.264 RTP payloads (RFC 6184 section 5.2: single NAL unit 1-23, STAP-A 24,
 * FU-A 28) to describe what Chrome sent and to find keyframes for the replay.
 */

export const NAL_IDR = 5;
export const NAL_SEI = 6;
export const NAL_SPS = 7;
export const NAL_PPS = 8;
export const NAL_STAP_A = 24;
export const NAL_FU_A = 28;

export interface H264PayloadInfo {
  /** `single`, `stap-a`, `fu-a` or `other`. */
  kind: 'single' | 'stap-a' | 'fu-a' | 'other';
  /** NAL unit types carried (for FU-A: the fragmented unit's type, only on its start). */
  nalTypes: number[];
  fuStart: boolean;
  fuEnd: boolean;
  /** The SPS NAL unit bytes when one is carried whole. */
  sps?: Uint8Array;
}

/** Classify one H.264 RTP payload. Truncated aggregation units are reported as far as read. */
export function inspectH264Payload(payload: Uint8Array): H264PayloadInfo {
  if (payload.length === 0) return { kind: 'other', nalTypes: [], fuStart: false, fuEnd: false };
  const type = payload[0] & 0x1f;
  if (type >= 1 && type <= 23) {
    return { kind: 'single', nalTypes: [type], fuStart: false, fuEnd: false, sps: type === NAL_SPS ? payload : undefined };
  }
  if (type === NAL_STAP_A) {
    const nalTypes: number[] = [];
    let sps: Uint8Array | undefined;
    let at = 1;
    while (at + 2 <= payload.length) {
      const size = (payload[at] << 8) | payload[at + 1];
      at += 2;
      if (size === 0 || at + size > payload.length) break;
      const nalType = payload[at] & 0x1f;
      nalTypes.push(nalType);
      if (nalType === NAL_SPS) sps = payload.subarray(at, at + size);
      at += size;
    }
    return { kind: 'stap-a', nalTypes, fuStart: false, fuEnd: false, sps };
  }
  if (type === NAL_FU_A && payload.length >= 2) {
    const fuStart = (payload[1] & 0x80) !== 0;
    const fuEnd = (payload[1] & 0x40) !== 0;
    return { kind: 'fu-a', nalTypes: fuStart ? [payload[1] & 0x1f] : [], fuStart, fuEnd };
  }
  return { kind: 'other', nalTypes: [type], fuStart: false, fuEnd: false };
}

/** profile-level-id as written in SDP (profile_idc, constraint flags, level_idc) from an SPS. */
export function profileLevelIdOfSps(sps: Uint8Array): string {
  return Array.from(sps.subarray(1, 4), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when the payloads of one access unit hold an SPS or an IDR slice. */
export function isKeyframe(payloads: readonly Uint8Array[]): boolean {
  return payloads.some((p) => {
    const info = inspectH264Payload(p);
    return info.nalTypes.includes(NAL_IDR) || info.nalTypes.includes(NAL_SPS);
  });
}
