/**
 * A zero-copy view over one RTP packet (RFC 3550 5.1) with RFC 8285 header extensions.
 */
import { MESSAGES, RTP_FIXED_HEADER_SIZE, RTP_VERSION } from './constants.js';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { RtpParseError } from './errors.js';
import { extensionFormOf, findExtension, walkExtensions, type ExtensionForm, type HeaderExtension } from './header-extensions.js';

/**
 * RTP packet, RFC 3550 5.1:
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |  (X=1, 5.3.1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 payload ... | padding | count |                  (P=1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The view reads every field from the underlying bytes on access and writes the fixed fields
 * back in place. {@link RtpPacket.wrap} re-points an existing view at new bytes, so a receive
 * loop can parse without allocating. Every header extension element is checked at parse time
 * (RFC 8285 4.2 one-byte, 4.3 two-byte), so later lookups cannot fail.
 */
export class RtpPacket {
  private b: Uint8Array = new Uint8Array(0);
  private extStart = 0;
  private extEnd = 0;
  private extProfile = -1;
  private form: ExtensionForm = 'other';
  private payloadStart = 0;
  private payloadEnd = 0;

  /** Parse `bytes` (not copied: the view shares them). Throws RtpParseError. */
  static parse(bytes: Uint8Array): RtpPacket {
    return new RtpPacket().wrap(bytes);
  }

  /** Point this view at `bytes`, validating the header. Throws RtpParseError. */
  wrap(bytes: Uint8Array): this {
    const n = bytes.length;
    if (n < RTP_FIXED_HEADER_SIZE) throw new RtpParseError(MESSAGES.rtpTooShort, n);
    const b0 = bytes[0];
    if (b0 >> 6 !== RTP_VERSION) throw new RtpParseError(MESSAGES.rtpVersion, 0);
    let at = RTP_FIXED_HEADER_SIZE + (b0 & 0x0f) * 4;
    if (at > n) throw new RtpParseError(MESSAGES.rtpCsrcOverrun, RTP_FIXED_HEADER_SIZE);
    let extStart = 0;
    let extEnd = 0;
    let extProfile = -1;
    let form: ExtensionForm = 'other';
    if (b0 & 0x10) {
      if (at + 4 > n) throw new RtpParseError(MESSAGES.rtpExtensionHeaderOverrun, at);
      extProfile = readU16(bytes, at);
      extStart = at + 4;
      extEnd = extStart + readU16(bytes, at + 2) * 4;
      if (extEnd > n) throw new RtpParseError(MESSAGES.rtpExtensionOverrun, at + 2);
      form = extensionFormOf(extProfile);
      walkExtensions(bytes, extStart, extEnd, form);
      at = extEnd;
    }
    let end = n;
    if (b0 & 0x20) {
      const count = bytes[n - 1];
      if (count === 0) throw new RtpParseError(MESSAGES.rtpPaddingZero, n - 1);
      if (n - count < at) throw new RtpParseError(MESSAGES.rtpPaddingOverrun, n - 1);
      end = n - count;
    }
    this.b = bytes;
    this.extStart = extStart;
    this.extEnd = extEnd;
    this.extProfile = extProfile;
    this.form = form;
    this.payloadStart = at;
    this.payloadEnd = end;
    return this;
  }

  /** The whole packet as wrapped (shared, not copied). */
  get bytes(): Uint8Array {
    return this.b;
  }
  get byteLength(): number {
    return this.b.length;
  }
  get version(): number {
    return this.b[0] >> 6;
  }
  get padding(): boolean {
    return (this.b[0] & 0x20) !== 0;
  }
  get extension(): boolean {
    return (this.b[0] & 0x10) !== 0;
  }
  get csrcCount(): number {
    return this.b[0] & 0x0f;
  }
  get marker(): boolean {
    return (this.b[1] & 0x80) !== 0;
  }
  set marker(on: boolean) {
    this.b[1] = on ? this.b[1] | 0x80 : this.b[1] & 0x7f;
  }
  get payloadType(): number {
    return this.b[1] & 0x7f;
  }
  set payloadType(pt: number) {
    this.b[1] = (this.b[1] & 0x80) | (pt & 0x7f);
  }
  get sequenceNumber(): number {
    return readU16(this.b, 2);
  }
  set sequenceNumber(seq: number) {
    writeU16(this.b, 2, seq);
  }
  get timestamp(): number {
    return readU32(this.b, 4);
  }
  set timestamp(ts: number) {
    writeU32(this.b, 4, ts);
  }
  get ssrc(): number {
    return readU32(this.b, 8);
  }
  set ssrc(ssrc: number) {
    writeU32(this.b, 8, ssrc);
  }
  /** CSRC number `index` (0-based). */
  csrc(index: number): number {
    return readU32(this.b, RTP_FIXED_HEADER_SIZE + index * 4);
  }
  get csrcs(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.csrcCount; i++) out.push(this.csrc(i));
    return out;
  }
  /** Size of everything before the payload: fixed header, CSRCs and extension block. */
  get headerSize(): number {
    return this.payloadStart;
  }
  /** The payload (shared, not copied), without padding. */
  get payload(): Uint8Array {
    return this.b.subarray(this.payloadStart, this.payloadEnd);
  }
  get payloadOffset(): number {
    return this.payloadStart;
  }
  get payloadLength(): number {
    return this.payloadEnd - this.payloadStart;
  }
  get paddingSize(): number {
    return this.b.length - this.payloadEnd;
  }
  /** The "defined by profile" field of the extension block, or undefined without one. */
  get extensionProfile(): number | undefined {
    return this.extProfile < 0 ? undefined : this.extProfile;
  }
  /** Element syntax of the extension block (undefined without one). */
  get extensionForm(): ExtensionForm | undefined {
    return this.extProfile < 0 ? undefined : this.form;
  }
  /** The raw extension block contents after its 4-byte header (shared). */
  get extensionData(): Uint8Array {
    return this.b.subarray(this.extStart, this.extEnd);
  }

  /** Value of header extension element `id` (shared, not copied), or undefined. */
  getExtension(id: number): Uint8Array | undefined {
    const found = findExtension(this.b, this.extStart, this.extEnd, this.form, id);
    if (found < 0) return undefined;
    const data = Math.floor(found / 512);
    return this.b.subarray(data, data + (found % 512));
  }

  /** Whether element `id` is present. */
  hasExtension(id: number): boolean {
    return findExtension(this.b, this.extStart, this.extEnd, this.form, id) >= 0;
  }

  /**
   * Value of element `id` read as an unsigned big-endian integer of its first `bytes`
   * (1-4) bytes, allocating nothing (transport-wide sequence number: 2 bytes; abs-send-time:
   * 3; audio level: 1). Undefined when absent or shorter than `bytes`.
   */
  getExtensionUint(id: number, bytes: number): number | undefined {
    const found = findExtension(this.b, this.extStart, this.extEnd, this.form, id);
    if (found < 0 || found % 512 < bytes) return undefined;
    let at = Math.floor(found / 512);
    let v = 0;
    for (let i = 0; i < bytes; i++) v = v * 256 + this.b[at++];
    return v;
  }

  /** Every element, in packet order (values shared, not copied). */
  getExtensions(): HeaderExtension[] {
    const out: HeaderExtension[] = [];
    walkExtensions(this.b, this.extStart, this.extEnd, this.form, (id, data, length) => {
      out.push({ id, data: this.b.subarray(data, data + length) });
    });
    return out;
  }

  /**
   * Overwrite the value of an existing element `id` in place. Returns false (and changes
   * nothing) when the element is absent or `value` has a different length; use
   * RtpPacketBuilder to add, remove or resize elements.
   */
  setExtension(id: number, value: Uint8Array): boolean {
    const found = findExtension(this.b, this.extStart, this.extEnd, this.form, id);
    if (found < 0 || found % 512 !== value.length) return false;
    this.b.set(value, Math.floor(found / 512));
    return true;
  }

  /** Copy the packet into `target` at `offset`; returns the bytes written. */
  writeTo(target: Uint8Array, offset = 0): number {
    if (offset + this.b.length > target.length) throw new RangeError(MESSAGES.bufferTooSmall);
    target.set(this.b, offset);
    return this.b.length;
  }
}

/** True when `bytes` looks like RTP rather than RTCP (RFC 5761 4: PT outside 64-95). */
export function isRtpPacket(bytes: Uint8Array): boolean {
  if (bytes.length < RTP_FIXED_HEADER_SIZE || bytes[0] >> 6 !== RTP_VERSION) return false;
  const pt = bytes[1] & 0x7f;
  return pt < 64 || pt > 95;
}
