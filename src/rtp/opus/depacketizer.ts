/**
 * Opus RTP depacketizer (RFC 7587 4.2: the payload is exactly one Opus packet).
 */
import { RtpPacket } from '../rtp-packet.js';
import { seqDelta } from '../sequence.js';
import { isOpusDtx, opusPacketSamples } from './toc.js';

export interface OpusFrame {
  /** RTP timestamp, 48 kHz clock (4.1). */
  timestamp: number;
  sequenceNumber: number;
  /** The Opus packet (an owned copy). */
  data: Uint8Array;
  /** 48 kHz samples it decodes to. */
  samples: number;
  /** Marker bit: first packet of a talkspurt (4.1). */
  talkspurtStart: boolean;
  /** Only a TOC byte or two: DTX, no audio. */
  dtx: boolean;
  /** Sequence numbers missing between the previous frame and this one (for concealment). */
  lostBefore: number;
}

export interface OpusDepacketizerStats {
  packets: number;
  lost: number;
  late: number;
  malformed: number;
}

/**
 * Emits frames in arrival order. A packet older than the newest one seen (reordered or
 * duplicated) is dropped and counted as late: audio has no time to wait.
 */
export class OpusDepacketizer {
  readonly stats: OpusDepacketizerStats = { packets: 0, lost: 0, late: 0, malformed: 0 };
  private readonly view = new RtpPacket();
  private lastSeq = -1;

  /** Add one RTP packet (bytes are parsed here: RtpParseError on bad bytes). */
  push(packet: RtpPacket | Uint8Array): OpusFrame | undefined {
    const p = packet instanceof Uint8Array ? this.view.wrap(packet) : packet;
    this.stats.packets++;
    const seq = p.sequenceNumber;
    let lostBefore = 0;
    if (this.lastSeq >= 0) {
      const delta = seqDelta(this.lastSeq, seq);
      if (delta <= 0) {
        this.stats.late++;
        return undefined;
      }
      lostBefore = delta - 1;
    }
    const payload = p.payload;
    const samples = opusPacketSamples(payload);
    if (samples < 0) {
      this.stats.malformed++;
      return undefined;
    }
    this.lastSeq = seq;
    this.stats.lost += lostBefore;
    return {
      timestamp: p.timestamp,
      sequenceNumber: seq,
      data: payload.slice(),
      samples,
      talkspurtStart: p.marker,
      dtx: isOpusDtx(payload),
      lostBefore,
    };
  }
}
