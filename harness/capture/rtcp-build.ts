/**
 * The few RTCP packets the capture script itself sends, and a namer for the ones it
 * receives. Capture-only helpers; the project's RTCP module lives elsewhere.
 */

const RTCP_VERSION_BITS = 0x80;
export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;
export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;
export const RTCP_XR = 207;

function header(view: DataView, at: number, countOrFmt: number, type: number, bytes: number): void {
  view.setUint8(at, RTCP_VERSION_BITS | countOrFmt);
  view.setUint8(at + 1, type);
  view.setUint16(at + 2, bytes / 4 - 1);
}

/** RFC 4585 section 6.3.1: Picture Loss Indication (PSFB, FMT=1), no FCI. */
export function buildPli(senderSsrc: number, mediaSsrc: number): Uint8Array {
  const out = new Uint8Array(12);
  const view = new DataView(out.buffer);
  header(view, 0, 1, RTCP_PSFB, 12);
  view.setUint32(4, senderSsrc >>> 0);
  view.setUint32(8, mediaSsrc >>> 0);
  return out;
}

/** RFC 3550 section 6.4.2: an empty receiver report (RC=0), to head a compound packet. */
export function buildEmptyRr(senderSsrc: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  header(view, 0, 0, RTCP_RR, 8);
  view.setUint32(4, senderSsrc >>> 0);
  return out;
}

export interface SenderReportFields {
  ssrc: number;
  /** Wall clock time in milliseconds since the Unix epoch (converted to NTP). */
  wallClockMs: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** RFC 3550 section 6.4.1: a sender report with no report blocks. */
export function buildSenderReport(fields: SenderReportFields): Uint8Array {
  const out = new Uint8Array(28);
  const view = new DataView(out.buffer);
  header(view, 0, 0, RTCP_SR, 28);
  view.setUint32(4, fields.ssrc >>> 0);
  const seconds = Math.floor(fields.wallClockMs / 1000);
  const fraction = Math.floor(((fields.wallClockMs % 1000) / 1000) * 2 ** 32);
  view.setUint32(8, (seconds + NTP_UNIX_OFFSET_SECONDS) >>> 0);
  view.setUint32(12, fraction >>> 0);
  view.setUint32(16, fields.rtpTimestamp >>> 0);
  view.setUint32(20, fields.packetCount >>> 0);
  view.setUint32(24, fields.octetCount >>> 0);
  return out;
}

/** Concatenate RTCP packets into one compound packet (RFC 3550 section 6.1). */
export function compound(...packets: Uint8Array[]): Uint8Array {
  const total = packets.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of packets) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface RtcpItem {
  /** e.g. `SR`, `RR`, `SDES`, `RTPFB/NACK`, `RTPFB/TWCC`, `PSFB/PLI`, `PSFB/REMB`. */
  name: string;
  packetType: number;
  fmt: number;
  senderSsrc: number;
  /** Media source SSRC for feedback packets, 0 otherwise. */
  mediaSsrc: number;
  offset: number;
  length: number;
}

function feedbackName(type: number, fmt: number, data: Uint8Array, at: number): string {
  if (type === RTCP_RTPFB) {
    if (fmt === 1) return 'RTPFB/NACK';
    if (fmt === 15) return 'RTPFB/TWCC';
    return `RTPFB/${fmt}`;
  }
  if (fmt === 1) return 'PSFB/PLI';
  if (fmt === 4) return 'PSFB/FIR';
  if (fmt === 15) {
    const id = String.fromCharCode(data[at + 12] ?? 0, data[at + 13] ?? 0, data[at + 14] ?? 0, data[at + 15] ?? 0);
    return id === 'REMB' ? 'PSFB/REMB' : 'PSFB/AFB';
  }
  return `PSFB/${fmt}`;
}

const SIMPLE_NAMES: Record<number, string> = {
  [RTCP_SR]: 'SR',
  [RTCP_RR]: 'RR',
  [RTCP_SDES]: 'SDES',
  [RTCP_BYE]: 'BYE',
  [RTCP_APP]: 'APP',
  [RTCP_XR]: 'XR',
};

/**
 * Split a compound RTCP packet into its parts (RFC 3550 section 6.1). Stops at the first
 * part whose length runs past the end; capture-time use only.
 */
export function listRtcp(data: Uint8Array): RtcpItem[] {
  const items: RtcpItem[] = [];
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at + 4 <= data.length) {
    const fmt = data[at] & 0x1f;
    const type = data[at + 1];
    const length = (view.getUint16(at + 2) + 1) * 4;
    if (at + length > data.length) break;
    const senderSsrc = length >= 8 ? view.getUint32(at + 4) : 0;
    const isFeedback = type === RTCP_RTPFB || type === RTCP_PSFB;
    const mediaSsrc = isFeedback && length >= 12 ? view.getUint32(at + 8) : 0;
    const name = isFeedback ? feedbackName(type, fmt, data, at) : (SIMPLE_NAMES[type] ?? `PT${type}`);
    items.push({ name, packetType: type, fmt, senderSsrc, mediaSsrc, offset: at, length });
    at += length;
  }
  return items;
}

/** RFC 4585 section 6.2.1: the sequence numbers a Generic NACK asks for. */
export function nackedSequenceNumbers(data: Uint8Array, item: RtcpItem): number[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: number[] = [];
  for (let at = item.offset + 12; at + 4 <= item.offset + item.length; at += 4) {
    const pid = view.getUint16(at);
    const blp = view.getUint16(at + 2);
    out.push(pid);
    for (let bit = 0; bit < 16; bit++) if (blp & (1 << bit)) out.push((pid + bit + 1) & 0xffff);
  }
  return out;
}
