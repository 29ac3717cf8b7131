/**
 * Reader and writer for the rtpdump file format of rtptools (`rtpdump -F dump`), the binary
 * format Wireshark opens as "RTPDump" and `rtpplay` replays.
 *
 * Layout (all integers big endian):
 *
 * ```
 *   "#!rtpplay1.0 " address "/" port "\n"        text line, address dotted decimal
 *   RD_hdr_t (16 bytes)
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                     start time, seconds                       |
 *   |                   start time, microseconds                    |
 *   |                   source (IPv4 address)                       |
 *   |          port                 |           padding             |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   then per packet, RD_packet_t (8 bytes) followed by the packet bytes
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |   length (8 + packet bytes)   |  plen (RTP length, 0 = RTCP)  |
 *   |          offset from start time, milliseconds                 |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RTP and RTCP share one dump; `plen` = 0 marks RTCP. When packets are demultiplexed from a
 * muxed stream, RFC 5761 section 4 applies: a second byte in 192..223 is an RTCP packet type.
 */

/** Text that opens every rtpdump file, before the address. */
export const RTPDUMP_MAGIC = '#!rtpplay1.0 ';
/** Size of RD_hdr_t. */
export const RTPDUMP_FILE_HEADER_BYTES = 16;
/** Size of RD_packet_t. */
export const RTPDUMP_PACKET_HEADER_BYTES = 8;
/** Longest first line accepted (magic + "255.255.255.255/65535\n" with room to spare). */
const MAX_FIRST_LINE_BYTES = 128;

/** Thrown on malformed rtpdump input; `offset` is the byte where the problem was found. */
export class RtpDumpError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = 'RtpDumpError';
    this.offset = offset;
  }
}

export interface RtpDumpPacket {
  /** Milliseconds since the dump's start time. */
  offsetMs: number;
  /** True for RTCP (stored with plen = 0). */
  isRtcp: boolean;
  /** The packet as received (RTP header + payload, or an RTCP compound packet). */
  data: Uint8Array;
  /**
   * RTP only: the packet's length on the wire when the dump kept fewer bytes (rtptools'
   * `rtpdump -F header` stores plen > length - 8). Absent when the whole packet is stored.
   */
  originalLength?: number;
}

export interface RtpDump {
  /** Address from the first line, e.g. `192.0.2.2`. */
  address: string;
  /** Port from the first line. */
  port: number;
  /** Start time, seconds since the Unix epoch. */
  startSec: number;
  /** Start time, microseconds part. */
  startUsec: number;
  /** RD_hdr_t source field (IPv4 address as an unsigned 32-bit integer). */
  source: number;
  /** RD_hdr_t port field. */
  sourcePort: number;
  packets: RtpDumpPacket[];
}

/**
 * RFC 5761 section 4: with RTP and RTCP on one port, a second byte (marker bit + payload
 * type) in 192..223 means RTCP (packet types 192..223 cover FIR/NACK/SR/RR/SDES/BYE/APP/
 * RTPFB/PSFB/XR).
 */
export function isRtcpPacket(data: Uint8Array): boolean {
  return data.length >= 2 && data[1] >= 192 && data[1] <= 223;
}

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value >>> 0;
}

/** Parse an rtpdump file. Throws {@link RtpDumpError} with the failing byte offset. */
export function readRtpDump(bytes: Uint8Array): RtpDump {
  const magic = new TextEncoder().encode(RTPDUMP_MAGIC);
  for (let i = 0; i < magic.length; i++) {
    if (i >= bytes.length) throw new RtpDumpError('truncated rtpplay magic line', i);
    if (bytes[i] !== magic[i]) throw new RtpDumpError('not an rtpdump file: bad magic', i);
  }
  let lineEnd = -1;
  const limit = Math.min(bytes.length, MAX_FIRST_LINE_BYTES);
  for (let i = magic.length; i < limit; i++) {
    if (bytes[i] === 0x0a) {
      lineEnd = i;
      break;
    }
  }
  if (lineEnd < 0) {
    throw new RtpDumpError('first line has no newline', limit);
  }
  const addressText = new TextDecoder('latin1').decode(bytes.subarray(magic.length, lineEnd));
  const slash = addressText.lastIndexOf('/');
  if (slash < 0) throw new RtpDumpError('first line lacks address/port', magic.length);
  const address = addressText.slice(0, slash);
  const portText = addressText.slice(slash + 1);
  if (parseIPv4(address) === undefined) {
    throw new RtpDumpError(`bad address "${address}"`, magic.length);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new RtpDumpError(`bad port "${portText}"`, magic.length + slash + 1);
  }
  const port = Number(portText);

  let pos = lineEnd + 1;
  if (bytes.length - pos < RTPDUMP_FILE_HEADER_BYTES) {
    throw new RtpDumpError('truncated RD_hdr_t', pos);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const startSec = view.getUint32(pos);
  const startUsec = view.getUint32(pos + 4);
  const source = view.getUint32(pos + 8);
  const sourcePort = view.getUint16(pos + 12);
  pos += RTPDUMP_FILE_HEADER_BYTES;

  const packets: RtpDumpPacket[] = [];
  while (pos < bytes.length) {
    if (bytes.length - pos < RTPDUMP_PACKET_HEADER_BYTES) {
      throw new RtpDumpError('truncated RD_packet_t', pos);
    }
    const length = view.getUint16(pos);
    const plen = view.getUint16(pos + 2);
    const offsetMs = view.getUint32(pos + 4);
    if (length < RTPDUMP_PACKET_HEADER_BYTES) {
      throw new RtpDumpError(`record length ${length} is below 8`, pos);
    }
    const dataLength = length - RTPDUMP_PACKET_HEADER_BYTES;
    if (bytes.length - pos < length) {
      throw new RtpDumpError(`record of ${length} bytes runs past the end`, pos);
    }
    if (plen !== 0 && plen < dataLength) {
      throw new RtpDumpError(`plen ${plen} is below the stored length ${dataLength}`, pos + 2);
    }
    const start = pos + RTPDUMP_PACKET_HEADER_BYTES;
    const packet: RtpDumpPacket = { offsetMs, isRtcp: plen === 0, data: bytes.slice(start, start + dataLength) };
    if (plen > dataLength) packet.originalLength = plen;
    packets.push(packet);
    pos += length;
  }
  return { address, port, startSec, startUsec, source, sourcePort, packets };
}

export interface WriteRtpDumpOptions {
  address: string;
  port: number;
  startSec: number;
  startUsec?: number;
  /** Defaults to the address as an integer. */
  source?: number;
  /** Defaults to `port`. */
  sourcePort?: number;
  packets: readonly RtpDumpPacket[];
}

/** Serialize an rtpdump file. Throws RangeError on values the format cannot hold. */
export function writeRtpDump(options: WriteRtpDumpOptions): Uint8Array {
  const sourceFromAddress = parseIPv4(options.address);
  if (sourceFromAddress === undefined) throw new RangeError(`bad IPv4 address ${options.address}`);
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new RangeError(`bad port ${options.port}`);
  }
  const line = new TextEncoder().encode(`${RTPDUMP_MAGIC}${options.address}/${options.port}\n`);
  let total = line.length + RTPDUMP_FILE_HEADER_BYTES;
  for (const packet of options.packets) {
    const length = RTPDUMP_PACKET_HEADER_BYTES + packet.data.length;
    if (length > 0xffff) throw new RangeError(`packet of ${packet.data.length} bytes is too long`);
    if (!Number.isInteger(packet.offsetMs) || packet.offsetMs < 0 || packet.offsetMs > 0xffffffff) {
      throw new RangeError(`bad offsetMs ${packet.offsetMs}`);
    }
    const original = packet.originalLength;
    if (original !== undefined && (packet.isRtcp || original < packet.data.length || original > 0xffff)) {
      throw new RangeError(`bad originalLength ${original}`);
    }
    total += length;
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(line, 0);
  let pos = line.length;
  view.setUint32(pos, options.startSec >>> 0);
  view.setUint32(pos + 4, (options.startUsec ?? 0) >>> 0);
  view.setUint32(pos + 8, (options.source ?? sourceFromAddress) >>> 0);
  view.setUint16(pos + 12, options.sourcePort ?? options.port);
  view.setUint16(pos + 14, 0);
  pos += RTPDUMP_FILE_HEADER_BYTES;
  for (const packet of options.packets) {
    view.setUint16(pos, RTPDUMP_PACKET_HEADER_BYTES + packet.data.length);
    view.setUint16(pos + 2, packet.isRtcp ? 0 : (packet.originalLength ?? packet.data.length));
    view.setUint32(pos + 4, packet.offsetMs);
    out.set(packet.data, pos + RTPDUMP_PACKET_HEADER_BYTES);
    pos += RTPDUMP_PACKET_HEADER_BYTES + packet.data.length;
  }
  return out;
}
