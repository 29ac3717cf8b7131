/** RTCP source description (RFC 3550 6.5), CNAME (6.5.1) and the other items. */
import { MESSAGES, RTCP_TYPE, SDES_ITEM } from '../constants.js';
import { readU32, writeU32 } from '../bytes.js';
import { RTCP_HEADER_SIZE, need, pad4, writeRtcpHeader, type RtcpPacketBase } from './header.js';

/** One SDES item: type (1 CNAME ... 8 PRIV) and its value. */
export interface SdesItem {
  type: number;
  /** UTF-8 text as sent (for PRIV, the prefix length, prefix and value, undecoded). */
  value: Uint8Array;
}

export interface SdesChunk {
  ssrc: number;
  items: SdesItem[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |    CNAME=1    |     length    | user and domain name        ...
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |   ...items    | END=0 (null octets to the next 32-bit boundary)
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
export class SourceDescription implements RtcpPacketBase {
  readonly kind = 'sdes';
  constructor(public chunks: SdesChunk[] = []) {}

  /** A one-chunk SDES with a CNAME, the item every compound packet must carry (6.5.1). */
  static cname(ssrc: number, cname: string): SourceDescription {
    return new SourceDescription([{ ssrc, items: [{ type: SDES_ITEM.cname, value: encoder.encode(cname) }] }]);
  }

  /** CNAME of `ssrc` (or of the first chunk), decoded as UTF-8. */
  getCname(ssrc?: number): string | undefined {
    const chunk = ssrc === undefined ? this.chunks[0] : this.chunks.find((c) => c.ssrc === ssrc);
    const item = chunk?.items.find((i) => i.type === SDES_ITEM.cname);
    return item ? decoder.decode(item.value) : undefined;
  }

  static parse(b: Uint8Array, start: number, end: number): SourceDescription {
    const count = b[start] & 0x1f;
    const sdes = new SourceDescription();
    let at = start + RTCP_HEADER_SIZE;
    for (let c = 0; c < count; c++) {
      need(at, 4, end);
      const chunk: SdesChunk = { ssrc: readU32(b, at), items: [] };
      at += 4;
      for (;;) {
        need(at, 1, end, MESSAGES.rtcpSdesOverrun);
        const type = b[at];
        if (type === SDES_ITEM.end) {
          at = start + pad4(at + 1 - start); // null octets up to the next 32-bit boundary
          break;
        }
        need(at, 2, end, MESSAGES.rtcpSdesOverrun);
        const length = b[at + 1];
        need(at + 2, length, end, MESSAGES.rtcpSdesOverrun);
        chunk.items.push({ type, value: b.slice(at + 2, at + 2 + length) });
        at += 2 + length;
      }
      sdes.chunks.push(chunk);
    }
    return sdes;
  }

  private chunkSize(chunk: SdesChunk): number {
    let size = 4;
    for (const item of chunk.items) size += 2 + item.value.length;
    return pad4(size + 1);
  }

  get byteLength(): number {
    let size = RTCP_HEADER_SIZE;
    for (const chunk of this.chunks) size += this.chunkSize(chunk);
    return size;
  }

  writeTo(target: Uint8Array, offset: number): number {
    const size = this.byteLength;
    if (this.chunks.length > 31) throw new RangeError('at most 31 SDES chunks fit in one packet');
    writeRtcpHeader(target, offset, this.chunks.length, RTCP_TYPE.sdes, size);
    let at = offset + RTCP_HEADER_SIZE;
    for (const chunk of this.chunks) {
      const chunkEnd = at + this.chunkSize(chunk);
      writeU32(target, at, chunk.ssrc);
      at += 4;
      for (const item of chunk.items) {
        if (item.value.length > 255) throw new RangeError('an SDES item holds at most 255 bytes');
        target[at] = item.type;
        target[at + 1] = item.value.length;
        target.set(item.value, at + 2);
        at += 2 + item.value.length;
      }
      target.fill(0, at, chunkEnd);
      at = chunkEnd;
    }
    return size;
  }
}
