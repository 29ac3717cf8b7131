/**
 * Opus RTP packetizer (RFC 7587): one Opus packet per RTP packet (4.2), 48 kHz RTP clock
 * whatever the audio bandwidth (4.1), marker bit on the first packet of a talkspurt (4.1).
 */
import { DEFAULT_MTU, MESSAGES } from '../constants.js';
import { HeaderTemplate, ScratchBuffer, type RtpPacketSink, type RtpStreamOptions } from '../header-template.js';
import { isOpusDtx, opusPacketSamples } from './toc.js';

export interface OpusPacketizerOptions extends RtpStreamOptions {
  /** RTP timestamp of the first packet when `packetize` is not given one (default random). */
  initialTimestamp?: number;
  /** Largest RTP packet accepted (default 1,200 bytes). */
  mtu?: number;
}

/**
 * The marker bit is set on the first packet, on the first packet after a DTX packet (one
 * carrying at most 2 bytes), and on the first packet after a pause in transmission (its
 * timestamp is later than the previous packet's end).
 */
export class OpusPacketizer {
  private readonly header: HeaderTemplate;
  private readonly scratch: ScratchBuffer;
  private nextTimestamp: number;
  private expectedTimestamp = -1; // end of the previous packet, or -1
  private previousDtx = true;

  constructor(options: OpusPacketizerOptions) {
    this.header = new HeaderTemplate(options);
    this.scratch = new ScratchBuffer(options.mtu ?? DEFAULT_MTU);
    this.nextTimestamp = (options.initialTimestamp ?? Math.floor(Math.random() * 0x1_0000_0000)) >>> 0;
  }

  get sequenceNumber(): number {
    return this.header.nextSequenceNumber;
  }

  /** Bytes of RTP header (with extensions) on every packet: packet length minus this is payload. */
  get headerSize(): number {
    return this.header.size;
  }

  /**
   * Send one Opus packet. `timestamp` (48 kHz) defaults to the previous packet's timestamp
   * plus its duration. The sink gets a borrowed view. Throws RangeError when the packet is
   * not valid Opus or does not fit the MTU.
   */
  packetize(opusPacket: Uint8Array, sink: RtpPacketSink, timestamp?: number): void {
    const samples = opusPacketSamples(opusPacket);
    if (samples < 0) throw new RangeError('not an Opus packet (RFC 6716 3.1)');
    const size = this.header.size + opusPacket.length;
    if (size > this.scratch.bytes.length) throw new RangeError(MESSAGES.bufferTooSmall);
    const ts = (timestamp ?? this.nextTimestamp) >>> 0;
    const dtx = isOpusDtx(opusPacket);
    const resumed = this.expectedTimestamp >= 0 && ts !== this.expectedTimestamp;
    const marker = !dtx && (this.previousDtx || resumed);
    const at = this.header.write(this.scratch.bytes, ts, marker);
    this.scratch.bytes.set(opusPacket, at);
    this.previousDtx = dtx;
    this.nextTimestamp = this.expectedTimestamp = (ts + samples) >>> 0;
    sink(this.scratch.view(size));
  }

  /** Packetize into a copied packet. */
  packetizeToBytes(opusPacket: Uint8Array, timestamp?: number): Uint8Array {
    let out = new Uint8Array(0);
    this.packetize(opusPacket, (p) => (out = p.slice()), timestamp);
    return out;
  }
}
