/**
 * The per-stream RTP header a packetizer stamps on every packet: built once from the
 * stream's fixed fields and extensions, then copied and patched (marker, sequence number,
 * timestamp, transport-wide sequence number) per packet without allocating.
 */
import { writeU16, writeU32 } from './bytes.js';
import type { HeaderExtension } from './header-extensions.js';
import { RtpPacketBuilder } from './rtp-builder.js';
import { RtpPacket } from './rtp-packet.js';

/** A shared transport-wide sequence counter (one per transport, across all its streams). */
export interface TransportSequenceCounter {
  /** Returns the next 16-bit transport-wide sequence number. */
  next(): number;
}

/** A simple counter starting at `start`, wrapping at 65536. */
export function createTransportSequenceCounter(start = 1): TransportSequenceCounter {
  let value = start & 0xffff;
  return {
    next() {
      const v = value;
      value = (value + 1) & 0xffff;
      return v;
    },
  };
}

/** Options common to every packetizer. */
export interface RtpStreamOptions {
  ssrc: number;
  payloadType: number;
  /** First sequence number (default: random, RFC 3550 5.1). */
  initialSequenceNumber?: number;
  /** Header extension elements stamped unchanged on every packet. */
  extensions?: readonly HeaderExtension[];
  /**
   * Transport-wide sequence number extension
   * (draft-holmer-rmcat-transport-wide-cc-extensions-01 2): its negotiated id and the
   * transport's counter.
   */
  transportCc?: { id: number; counter: TransportSequenceCounter };
}

export class HeaderTemplate {
  readonly bytes: Uint8Array;
  readonly size: number;
  private readonly twccOffset: number;
  private readonly counter: TransportSequenceCounter | undefined;
  private seq: number;

  constructor(options: RtpStreamOptions) {
    const builder = new RtpPacketBuilder({ payloadType: options.payloadType, sequenceNumber: 0, timestamp: 0, ssrc: options.ssrc });
    for (const e of options.extensions ?? []) builder.setExtension(e.id, e.data);
    if (options.transportCc) builder.setExtension(options.transportCc.id, new Uint8Array(2));
    this.bytes = builder.toBytes(new Uint8Array(0));
    this.size = this.bytes.length;
    let twccOffset = -1;
    if (options.transportCc) {
      const view = RtpPacket.parse(this.bytes);
      const data = view.getExtension(options.transportCc.id)!;
      twccOffset = data.byteOffset - this.bytes.byteOffset;
    }
    this.twccOffset = twccOffset;
    this.counter = options.transportCc?.counter;
    this.seq = (options.initialSequenceNumber ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
  }

  /** Sequence number the next packet will carry. */
  get nextSequenceNumber(): number {
    return this.seq;
  }

  /** Write the header for the next packet at the start of `target`; returns its size. */
  write(target: Uint8Array, timestamp: number, marker: boolean): number {
    target.set(this.bytes, 0);
    if (marker) target[1] |= 0x80;
    writeU16(target, 2, this.seq);
    this.seq = (this.seq + 1) & 0xffff;
    writeU32(target, 4, timestamp);
    if (this.counter) writeU16(target, this.twccOffset, this.counter.next());
    return this.size;
  }
}

/**
 * A reusable packet buffer handing out views of it by length. A view of each length is made
 * once and then reused, so steady-state packetization allocates nothing; the view handed to
 * a sink is only valid until the sink returns.
 */
export class ScratchBuffer {
  bytes: Uint8Array;
  private views: Uint8Array[] = [];

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  /** A view of the first `length` bytes. */
  view(length: number): Uint8Array {
    return (this.views[length] ??= this.bytes.subarray(0, length));
  }

  /** Grow to at least `size` bytes (contents are not kept). */
  ensure(size: number): void {
    if (size <= this.bytes.length) return;
    this.bytes = new Uint8Array(Math.max(size, this.bytes.length * 2));
    this.views = [];
  }
}

/** Receives each packet a packetizer produces. The bytes are borrowed: copy to keep them. */
export type RtpPacketSink = (packet: Uint8Array) => void;
