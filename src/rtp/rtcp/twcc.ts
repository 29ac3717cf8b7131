/**
 * Transport-wide congestion control feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1): RTPFB, FMT=15.
 */
import { MESSAGES, RTCP_TYPE, RTPFB_FMT, TWCC_DELTA_UNIT_US, TWCC_REFERENCE_UNIT_US } from '../constants.js';
import { readU16, writeU16 } from '../bytes.js';
import { RtcpParseError } from '../errors.js';
import { need, pad4, type RtcpPacketBase } from './header.js';
import { FEEDBACK_HEADER_SIZE, readFeedbackSsrcs, writeFeedbackHeader } from './feedback.js';

/** Packet status symbols (3.1.1). */
export const TwccStatus = { notReceived: 0, smallDelta: 1, largeDelta: 2 } as const;

/** One packet's fate: whether it arrived and, if so, its receive delta in 250 us ticks. */
export interface TwccPacketResult {
  sequenceNumber: number;
  received: boolean;
  /** Ticks of 250 us since the previous received packet (the first: since the reference time). */
  delta: number;
}

/**
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT=15 |    PT=205     |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      SSRC of media source                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      base sequence number     |      packet status count      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 reference time                | fb pkt. count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          packet chunk         |         packet chunk          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                                                               .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         packet chunk          |  recv delta   |  recv delta   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * .                                                               .
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           recv delta          |  recv delta   | zero padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * Written as Chrome writes it: the padding to 32 bits is RTCP padding (P=1, last byte = its
 * count); parsing accepts plain zero padding too.
 * Packet chunks (3.1.3, 3.1.4):
 * - run length: `0 | S(2) | run length(13)`: `run length` packets of status S;
 * - status vector: `1 | 0 | 14 x 1-bit symbol` (0 not received, 1 small delta) or
 *   `1 | 1 | 7 x 2-bit symbol`.
 * Receive deltas (3.1.5): 1 unsigned byte for "small delta", 2 signed bytes for "large or
 * negative delta", in 250 us. The reference time is a signed 24-bit count of 64 ms.
 */
export class TransportWideCcFeedback implements RtcpPacketBase {
  readonly kind = 'twcc';
  constructor(
    public senderSsrc: number,
    public mediaSsrc: number,
    public baseSequenceNumber: number,
    /** Signed 24-bit, in 64 ms units. */
    public referenceTime: number,
    /** 8-bit count of feedback packets sent, for detecting lost feedback. */
    public feedbackPacketCount: number,
    /** One per packet from the base sequence number on: received flag and delta ticks. */
    public packets: Omit<TwccPacketResult, 'sequenceNumber'>[] = [],
  ) {}

  /** Packets with their sequence numbers. */
  results(): TwccPacketResult[] {
    return this.packets.map((p, i) => ({ sequenceNumber: (this.baseSequenceNumber + i) & 0xffff, ...p }));
  }

  /**
   * Arrival time of each packet in microseconds on the receiver's clock (reference time
   * plus the running sum of deltas), or undefined when it was not received.
   */
  arrivalTimesUs(): (number | undefined)[] {
    let time = this.referenceTime * TWCC_REFERENCE_UNIT_US;
    return this.packets.map((p) => {
      if (!p.received) return undefined;
      time += p.delta * TWCC_DELTA_UNIT_US;
      return time;
    });
  }

  static parse(b: Uint8Array, start: number, end: number): TransportWideCcFeedback {
    const { senderSsrc, mediaSsrc } = readFeedbackSsrcs(b, start, end);
    let at = start + FEEDBACK_HEADER_SIZE;
    need(at, 8, end);
    const base = readU16(b, at);
    const count = readU16(b, at + 2);
    const reference = ((b[at + 4] << 16) | (b[at + 5] << 8) | b[at + 6]) << 8 >> 8;
    const feedback = new TransportWideCcFeedback(senderSsrc, mediaSsrc, base, reference, b[at + 7]);
    at += 8;
    const symbols = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      need(at, 2, end, MESSAGES.rtcpTwccChunksOverrun);
      const chunk = readU16(b, at);
      if ((chunk & 0x8000) === 0) {
        const symbol = (chunk >> 13) & 0x03;
        const run = Math.min(chunk & 0x1fff, count - filled);
        if (symbol === 3 && run > 0) throw new RtcpParseError(MESSAGES.rtcpTwccReservedSymbol, at);
        symbols.fill(symbol, filled, filled + run);
        filled += run;
      } else if ((chunk & 0x4000) === 0) {
        for (let i = 13; i >= 0 && filled < count; i--) symbols[filled++] = (chunk >> i) & 0x01;
      } else {
        for (let i = 12; i >= 0 && filled < count; i -= 2) {
          const symbol = (chunk >> i) & 0x03;
          if (symbol === 3) throw new RtcpParseError(MESSAGES.rtcpTwccReservedSymbol, at);
          symbols[filled++] = symbol;
        }
      }
      at += 2;
    }
    const packets = feedback.packets;
    for (let i = 0; i < count; i++) {
      const symbol = symbols[i];
      if (symbol === TwccStatus.smallDelta) {
        need(at, 1, end, MESSAGES.rtcpTwccDeltasOverrun);
        packets.push({ received: true, delta: b[at] });
        at += 1;
      } else if (symbol === TwccStatus.largeDelta) {
        need(at, 2, end, MESSAGES.rtcpTwccDeltasOverrun);
        packets.push({ received: true, delta: (readU16(b, at) << 16) >> 16 });
        at += 2;
      } else {
        packets.push({ received: false, delta: 0 });
      }
    }
    return feedback;
  }

  private symbols(): Uint8Array {
    const symbols = new Uint8Array(this.packets.length);
    this.packets.forEach((p, i) => {
      if (!p.received) symbols[i] = TwccStatus.notReceived;
      else if (p.delta >= 0 && p.delta <= 255) symbols[i] = TwccStatus.smallDelta;
      else if (p.delta >= -32768 && p.delta <= 32767) symbols[i] = TwccStatus.largeDelta;
      else throw new RangeError(`transport-cc delta ${p.delta} does not fit 16 bits`);
    });
    return symbols;
  }

  /** Choose chunks: a run when 7+ statuses repeat, else a 1-bit vector if it can, else 2-bit. */
  private chunks(symbols: Uint8Array): number[] {
    const chunks: number[] = [];
    const n = symbols.length;
    let i = 0;
    while (i < n) {
      let run = 1;
      while (i + run < n && symbols[i + run] === symbols[i] && run < 0x1fff) run++;
      if (run >= 7 || i + run === n) {
        chunks.push((symbols[i] << 13) | run);
        i += run;
        continue;
      }
      let oneBit = true;
      for (let k = i; k < Math.min(n, i + 14); k++) if (symbols[k] > 1) oneBit = false;
      if (oneBit) {
        let chunk = 0x8000;
        for (let k = 0; k < 14; k++) chunk |= (i + k < n ? symbols[i + k] : 0) << (13 - k);
        chunks.push(chunk);
        i += 14;
      } else {
        let chunk = 0xc000;
        for (let k = 0; k < 7; k++) chunk |= (i + k < n ? symbols[i + k] : 0) << (12 - 2 * k);
        chunks.push(chunk);
        i += 7;
      }
    }
    return chunks;
  }

  private layout(): { symbols: Uint8Array; chunks: number[]; unpadded: number } {
    const symbols = this.symbols();
    const chunks = this.chunks(symbols);
    let size = FEEDBACK_HEADER_SIZE + 8 + chunks.length * 2;
    for (const s of symbols) size += s === TwccStatus.smallDelta ? 1 : s === TwccStatus.largeDelta ? 2 : 0;
    return { symbols, chunks, unpadded: size };
  }

  get byteLength(): number {
    return pad4(this.layout().unpadded);
  }

  writeTo(target: Uint8Array, offset: number): number {
    if (this.packets.length > 0xffff) throw new RangeError('at most 65535 packets fit in one transport-cc feedback');
    const { symbols, chunks, unpadded } = this.layout();
    const size = pad4(unpadded);
    let at = writeFeedbackHeader(target, offset, RTPFB_FMT.twcc, RTCP_TYPE.rtpfb, size, this.senderSsrc, this.mediaSsrc);
    writeU16(target, at, this.baseSequenceNumber);
    writeU16(target, at + 2, this.packets.length);
    const reference = this.referenceTime & 0xffffff;
    target[at + 4] = reference >>> 16;
    target[at + 5] = reference >>> 8;
    target[at + 6] = reference;
    target[at + 7] = this.feedbackPacketCount;
    at += 8;
    for (const chunk of chunks) {
      writeU16(target, at, chunk);
      at += 2;
    }
    this.packets.forEach((p, i) => {
      if (symbols[i] === TwccStatus.smallDelta) target[at++] = p.delta;
      else if (symbols[i] === TwccStatus.largeDelta) {
        writeU16(target, at, p.delta & 0xffff);
        at += 2;
      }
    });
    target.fill(0, at, offset + size);
    if (size > unpadded) {
      // Like libwebrtc: mark the padding with the P bit and its count (RFC 3550 6.4.1).
      target[offset] |= 0x20;
      target[offset + size - 1] = size - unpadded;
    }
    return size;
  }
}
