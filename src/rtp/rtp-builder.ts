/**
 * Builds RTP packets (RFC 3550 5.1) with RFC 8285 header extensions and serializes them into
 * a caller-provided buffer.
 */
import { MESSAGES, RTP_FIXED_HEADER_SIZE, RTP_MAX_CSRCS, RTP_VERSION } from './constants.js';
import { writeU16, writeU32 } from './bytes.js';
import { chooseExtensionForm, checkExtension, extensionElementsSize, writeExtensionBlock, type HeaderExtension } from './header-extensions.js';
import type { RtpPacket } from './rtp-packet.js';

/** Header fields of one RTP packet. */
export interface RtpHeaderFields {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
  csrcs?: readonly number[];
}

/**
 * Mutable description of an RTP packet header. `writeTo(target, payload)` lays out
 * ```
 * fixed header (12) | CSRCs (4 each) | extension block (RFC 8285) | payload | padding
 * ```
 * choosing the one-byte extension form when every element allows it (ids 1-14, 1-16 bytes,
 * RFC 8285 4.2) and the two-byte form otherwise (4.3), unless `extensionForm` forces one.
 * Padding (`paddingSize` bytes, 1-255) ends with its own count (RFC 3550 5.1).
 */
export class RtpPacketBuilder {
  payloadType = 0;
  sequenceNumber = 0;
  timestamp = 0;
  ssrc = 0;
  marker = false;
  csrcs: number[] = [];
  /** Bytes of padding to append (0 for none). */
  paddingSize = 0;
  /** Force an extension form; by default the smallest one that fits is chosen. */
  extensionForm: 'one-byte' | 'two-byte' | undefined;
  private readonly extensions: HeaderExtension[] = [];

  constructor(fields?: RtpHeaderFields) {
    if (fields) {
      this.payloadType = fields.payloadType;
      this.sequenceNumber = fields.sequenceNumber;
      this.timestamp = fields.timestamp;
      this.ssrc = fields.ssrc;
      this.marker = fields.marker ?? false;
      this.csrcs = [...(fields.csrcs ?? [])];
    }
  }

  /** A builder holding a copy of `packet`'s header and extensions. */
  static from(packet: RtpPacket): RtpPacketBuilder {
    const builder = new RtpPacketBuilder({
      payloadType: packet.payloadType,
      sequenceNumber: packet.sequenceNumber,
      timestamp: packet.timestamp,
      ssrc: packet.ssrc,
      marker: packet.marker,
      csrcs: packet.csrcs,
    });
    // An id seen twice keeps its first value, the one RtpPacket.getExtension returns.
    for (const e of packet.getExtensions()) if (builder.getExtension(e.id) === undefined) builder.setExtension(e.id, e.data.slice());
    builder.paddingSize = packet.paddingSize;
    return builder;
  }

  /** Set (add or replace) header extension element `id` (1-255). */
  setExtension(id: number, data: Uint8Array): this {
    checkExtension(id, data.length, 'two-byte');
    const existing = this.extensions.findIndex((e) => e.id === id);
    if (existing >= 0) this.extensions[existing] = { id, data };
    else this.extensions.push({ id, data });
    return this;
  }

  getExtension(id: number): Uint8Array | undefined {
    return this.extensions.find((e) => e.id === id)?.data;
  }

  deleteExtension(id: number): boolean {
    const existing = this.extensions.findIndex((e) => e.id === id);
    if (existing >= 0) this.extensions.splice(existing, 1);
    return existing >= 0;
  }

  get extensionIds(): number[] {
    return this.extensions.map((e) => e.id);
  }

  /** Header size in bytes (fixed header, CSRCs, extension block). */
  get headerSize(): number {
    let size = RTP_FIXED_HEADER_SIZE + this.csrcs.length * 4;
    if (this.extensions.length) {
      const form = this.extensionForm ?? chooseExtensionForm(this.extensions);
      size += 4 + ((extensionElementsSize(this.extensions, form) + 3) & ~3);
    }
    return size;
  }

  /** Whole packet size for a payload of `payloadLength` bytes. */
  size(payloadLength: number): number {
    return this.headerSize + payloadLength + this.paddingSize;
  }

  /**
   * Serialize header, `payload` and padding into `target` at `offset`; returns the bytes
   * written. Throws RangeError when `target` is too small or a field is out of range.
   */
  writeTo(target: Uint8Array, payload: Uint8Array, offset = 0): number {
    if (this.csrcs.length > RTP_MAX_CSRCS) throw new RangeError(MESSAGES.tooManyCsrcs);
    if (this.paddingSize < 0 || this.paddingSize > 255) throw new RangeError(MESSAGES.rtpPaddingOverrun);
    const total = this.size(payload.length);
    if (offset + total > target.length) throw new RangeError(MESSAGES.bufferTooSmall);
    const hasExt = this.extensions.length > 0;
    target[offset] = (RTP_VERSION << 6) | (this.paddingSize ? 0x20 : 0) | (hasExt ? 0x10 : 0) | this.csrcs.length;
    target[offset + 1] = (this.marker ? 0x80 : 0) | (this.payloadType & 0x7f);
    writeU16(target, offset + 2, this.sequenceNumber);
    writeU32(target, offset + 4, this.timestamp);
    writeU32(target, offset + 8, this.ssrc);
    let at = offset + RTP_FIXED_HEADER_SIZE;
    for (const csrc of this.csrcs) {
      writeU32(target, at, csrc);
      at += 4;
    }
    if (hasExt) {
      const form = this.extensionForm ?? chooseExtensionForm(this.extensions);
      for (const e of this.extensions) checkExtension(e.id, e.data.length, form);
      at += writeExtensionBlock(target, at, this.extensions, form);
    }
    target.set(payload, at);
    at += payload.length;
    if (this.paddingSize) {
      target.fill(0, at, at + this.paddingSize - 1);
      at += this.paddingSize;
      target[at - 1] = this.paddingSize;
    }
    return at - offset;
  }

  /** Serialize into a new buffer of exactly the packet's size. */
  toBytes(payload: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.size(payload.length));
    this.writeTo(out, payload);
    return out;
  }
}
