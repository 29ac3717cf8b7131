/**
 * RTCP compound packets (RFC 3550 6.1): several RTCP packets back to back in one datagram.
 * Reduced-size RTCP (RFC 5506) is accepted too: no rule about which packet comes first.
 */
import { MESSAGES, PSFB_FMT, RTCP_TYPE, RTPFB_FMT, RTP_VERSION } from '../constants.js';
import { RtcpParseError } from '../errors.js';
import { Goodbye } from './bye.js';
import { FullIntraRequest } from './fir.js';
import { RTCP_HEADER_SIZE } from './header.js';
import { GenericNack } from './nack.js';
import { PictureLossIndication } from './pli.js';
import { ReceiverReport } from './receiver-report.js';
import { ReceiverEstimatedMaxBitrate } from './remb.js';
import { SourceDescription } from './sdes.js';
import { SenderReport } from './sender-report.js';
import { TransportWideCcFeedback } from './twcc.js';
import { UnknownRtcpPacket } from './unknown.js';

export type RtcpPacket =
  | SenderReport
  | ReceiverReport
  | SourceDescription
  | Goodbye
  | GenericNack
  | PictureLossIndication
  | FullIntraRequest
  | ReceiverEstimatedMaxBitrate
  | TransportWideCcFeedback
  | UnknownRtcpPacket;

function parseOne(b: Uint8Array, start: number, end: number): RtcpPacket {
  const type = b[start + 1];
  const count = b[start] & 0x1f;
  switch (type) {
    case RTCP_TYPE.sr:
      return SenderReport.parse(b, start, end);
    case RTCP_TYPE.rr:
      return ReceiverReport.parse(b, start, end);
    case RTCP_TYPE.sdes:
      return SourceDescription.parse(b, start, end);
    case RTCP_TYPE.bye:
      return Goodbye.parse(b, start, end);
    case RTCP_TYPE.rtpfb:
      if (count === RTPFB_FMT.nack) return GenericNack.parse(b, start, end);
      if (count === RTPFB_FMT.twcc) return TransportWideCcFeedback.parse(b, start, end);
      break;
    case RTCP_TYPE.psfb:
      if (count === PSFB_FMT.pli) return PictureLossIndication.parse(b, start, end);
      if (count === PSFB_FMT.fir) return FullIntraRequest.parse(b, start, end);
      if (count === PSFB_FMT.afb && ReceiverEstimatedMaxBitrate.matches(b, start, end)) return ReceiverEstimatedMaxBitrate.parse(b, start, end);
      break;
  }
  return UnknownRtcpPacket.parse(b, start, end);
}

/**
 * Parse a compound RTCP packet. Each packet's header must be version 2 and its length must
 * fit; a padded packet (P=1) ends with its padding count. Types this module does not decode
 * come back as UnknownRtcpPacket. Throws RtcpParseError with the failing byte offset.
 */
export function parseRtcp(bytes: Uint8Array): RtcpPacket[] {
  const packets: RtcpPacket[] = [];
  const n = bytes.length;
  if (n < RTCP_HEADER_SIZE) throw new RtcpParseError(MESSAGES.rtcpTooShort, n);
  let at = 0;
  while (at < n) {
    if (at + RTCP_HEADER_SIZE > n) throw new RtcpParseError(MESSAGES.rtcpTooShort, at);
    if (bytes[at] >> 6 !== RTP_VERSION) throw new RtcpParseError(MESSAGES.rtcpVersion, at);
    const size = (((bytes[at + 2] << 8) | bytes[at + 3]) + 1) * 4;
    if (at + size > n) throw new RtcpParseError(MESSAGES.rtcpLengthOverrun, at + 2);
    let end = at + size;
    if (bytes[at] & 0x20) {
      const padding = bytes[end - 1];
      if (padding === 0 || padding > size - RTCP_HEADER_SIZE) throw new RtcpParseError(MESSAGES.rtcpPaddingOverrun, end - 1);
      end -= padding;
    }
    packets.push(parseOne(bytes, at, end));
    at += size;
  }
  return packets;
}

/** Bytes the compound packet made of `packets` takes. */
export function rtcpCompoundSize(packets: readonly RtcpPacket[]): number {
  let size = 0;
  for (const p of packets) size += p.byteLength;
  return size;
}

/** Write `packets` back to back into `target` at `offset`; returns the bytes written. */
export function writeRtcp(target: Uint8Array, packets: readonly RtcpPacket[], offset = 0): number {
  let at = offset;
  for (const p of packets) at += p.writeTo(target, at);
  return at - offset;
}

/** Serialize `packets` into a new compound packet. */
export function serializeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  const out = new Uint8Array(rtcpCompoundSize(packets));
  writeRtcp(out, packets);
  return out;
}
