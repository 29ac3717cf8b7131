/**
 * H.264 RTP packetizer, RFC 6184 non-interleaved mode (packetization-mode=1, 6.3).
 */
import { DEFAULT_MTU, MESSAGES, MIN_MTU, NAL_TYPE } from '../constants.js';
import { HeaderTemplate, ScratchBuffer, type RtpPacketSink, type RtpStreamOptions } from '../header-template.js';
import { scanAnnexB } from './nal.js';

export interface H264PacketizerOptions extends RtpStreamOptions {
  /** Largest RTP packet, header included (default 1,200 bytes). */
  mtu?: number;
  /**
   * Send the most recent SPS and PPS ahead of an IDR that arrives without them (default
   * true): a decoder joining mid-stream needs them with the IDR's timestamp.
   */
  repeatParameterSets?: boolean;
}

/**
 * Turns access units into RTP packets (RFC 6184):
 * - a NAL unit that fits alone, with no small neighbour to share with, goes out as a
 *   single NAL unit packet (5.6);
 * - consecutive NAL units that fit together (SPS, PPS and small slices) share one STAP-A
 *   (5.7.1), whose F bit is the OR and NRI the maximum of theirs;
 * - a NAL unit larger than the MTU is split into FU-A fragments of near-equal size, the
 *   longer ones last, as libwebrtc does (5.8).
 *
 * STAP-A (5.7.1):
 * ```
 * | RTP header | STAP-A NAL HDR | NALU 1 Size | NALU 1 HDR | NALU 1 Data | NALU 2 Size | ...
 * ```
 * FU-A (5.8):
 * ```
 * | FU indicator (F|NRI|28) | FU header (S|E|R|Type) | FU payload ... |
 * ```
 * Every packet of an access unit carries its 90 kHz timestamp; only the last one carries
 * the marker bit (5.1). Sequence numbers increase by one per packet and wrap at 65536.
 *
 * No allocation per packet: the access unit is copied once into a work buffer that also
 * holds the packet being built (`[0, mtu)`), so payload bytes move with `copyWithin`, and
 * the sink gets a cached view of that buffer.
 */
export class H264Packetizer {
  private readonly header: HeaderTemplate;
  private readonly work: ScratchBuffer;
  private readonly mtu: number;
  private readonly maxPayload: number;
  private readonly repeatParameterSets: boolean;
  // The current access unit's NAL units: (buffer, start, end) while collecting, then offsets
  // into the work buffer once staged. Reused across calls.
  private nalBuf: Uint8Array[] = [];
  private nalStart: number[] = [];
  private nalEnd: number[] = [];
  private nalCount = 0;
  private sps: Uint8Array | undefined;
  private pps: Uint8Array | undefined;
  private readonly collect = (start: number, end: number) => this.addNal(this.current, start, end);
  private current: Uint8Array = new Uint8Array(0);

  constructor(options: H264PacketizerOptions) {
    const mtu = options.mtu ?? DEFAULT_MTU;
    this.header = new HeaderTemplate(options);
    if (mtu < MIN_MTU || mtu - this.header.size < 3) throw new RangeError(MESSAGES.mtuTooSmall);
    this.mtu = mtu;
    this.work = new ScratchBuffer(mtu * 64);
    this.maxPayload = mtu - this.header.size;
    this.repeatParameterSets = options.repeatParameterSets ?? true;
  }

  /** Sequence number of the next packet. */
  get sequenceNumber(): number {
    return this.header.nextSequenceNumber;
  }

  /** Bytes of RTP header (with extensions) on every packet: packet length minus this is payload. */
  get headerSize(): number {
    return this.header.size;
  }

  /**
   * Packetize one access unit, given as an Annex B byte stream or as NAL units, with its
   * 90 kHz RTP timestamp. Each packet is passed to `sink` as a borrowed view, valid until
   * `sink` returns. Returns the number of packets.
   */
  packetize(accessUnit: Uint8Array | readonly Uint8Array[], timestamp: number, sink: RtpPacketSink): number {
    this.nalCount = 0;
    if (accessUnit instanceof Uint8Array) {
      this.current = accessUnit;
      scanAnnexB(accessUnit, this.collect);
    } else {
      for (let i = 0; i < accessUnit.length; i++) if (accessUnit[i].length) this.addNal(accessUnit[i], 0, accessUnit[i].length);
    }
    if (this.nalCount === 0) return 0;
    if (this.repeatParameterSets) this.handleParameterSets();
    this.stage(accessUnit instanceof Uint8Array ? accessUnit : undefined);
    return this.emit(timestamp >>> 0, sink);
  }

  /** Packetize into an array of copied packets (convenient, allocates per packet). */
  packetizeToArray(accessUnit: Uint8Array | readonly Uint8Array[], timestamp: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.packetize(accessUnit, timestamp, (p) => out.push(p.slice()));
    return out;
  }

  private addNal(buf: Uint8Array, start: number, end: number): void {
    const i = this.nalCount++;
    this.nalBuf[i] = buf;
    this.nalStart[i] = start;
    this.nalEnd[i] = end;
  }

  /** Remember SPS/PPS; put the last ones ahead of an IDR that has none before it. */
  private handleParameterSets(): void {
    let sawSps = false;
    let sawPps = false;
    for (let i = 0; i < this.nalCount; i++) {
      const buf = this.nalBuf[i];
      const type = buf[this.nalStart[i]] & 0x1f;
      if (type === NAL_TYPE.sps) {
        sawSps = true;
        this.sps = remember(this.sps, buf.subarray(this.nalStart[i], this.nalEnd[i]));
      } else if (type === NAL_TYPE.pps) {
        sawPps = true;
        this.pps = remember(this.pps, buf.subarray(this.nalStart[i], this.nalEnd[i]));
      } else if (type === NAL_TYPE.idr) {
        if ((!sawSps && this.sps) || (!sawPps && this.pps)) {
          const insert: Uint8Array[] = [];
          if (!sawSps && this.sps) insert.push(this.sps);
          if (!sawPps && this.pps) insert.push(this.pps);
          this.insertAt(i, insert);
        }
        return;
      }
    }
  }

  private insertAt(index: number, nals: Uint8Array[]): void {
    this.nalBuf.length = this.nalStart.length = this.nalEnd.length = this.nalCount;
    this.nalBuf.splice(index, 0, ...nals);
    this.nalStart.splice(index, 0, ...nals.map(() => 0));
    this.nalEnd.splice(index, 0, ...nals.map((n) => n.length));
    this.nalCount += nals.length;
  }

  /**
   * Copy the NAL units into the work buffer after the packet area, turning their offsets
   * into work-buffer offsets. An Annex B input whose NAL units all come from it is copied in
   * one piece.
   */
  private stage(annexB: Uint8Array | undefined): void {
    let whole = annexB !== undefined;
    let size = 0;
    for (let i = 0; i < this.nalCount; i++) {
      if (this.nalBuf[i] !== annexB) whole = false;
      size += this.nalEnd[i] - this.nalStart[i];
    }
    const base = this.mtu;
    if (whole) {
      this.work.ensure(base + annexB!.length);
      this.work.bytes.set(annexB!, base);
      for (let i = 0; i < this.nalCount; i++) {
        this.nalStart[i] += base;
        this.nalEnd[i] += base;
      }
      return;
    }
    this.work.ensure(base + size);
    const bytes = this.work.bytes;
    let at = base;
    for (let i = 0; i < this.nalCount; i++) {
      const buf = this.nalBuf[i];
      const start = this.nalStart[i];
      const end = this.nalEnd[i];
      bytes.set(start === 0 && end === buf.length ? buf : buf.subarray(start, end), at);
      this.nalStart[i] = at;
      this.nalEnd[i] = at + end - start;
      at += end - start;
    }
  }

  private emit(timestamp: number, sink: RtpPacketSink): number {
    const max = this.maxPayload;
    let packets = 0;
    let groupFirst = 0; // pending aggregation: NAL units [groupFirst, groupEnd)
    let groupEnd = 0;
    let groupSize = 0; // STAP-A payload size if the group were sent as STAP-A
    for (let i = 0; i < this.nalCount; i++) {
      const size = this.nalEnd[i] - this.nalStart[i];
      const last = i === this.nalCount - 1;
      if (size > max) {
        if (groupEnd > groupFirst) packets += this.flushGroup(groupFirst, groupEnd, timestamp, false, sink);
        packets += this.fragment(i, timestamp, last, sink);
        groupFirst = groupEnd = i + 1;
        groupSize = 0;
        continue;
      }
      const stapSize = (groupEnd > groupFirst ? groupSize : 1) + 2 + size;
      if (groupEnd > groupFirst && stapSize > max) {
        packets += this.flushGroup(groupFirst, groupEnd, timestamp, false, sink);
        groupFirst = i;
        groupSize = 1 + 2 + size;
      } else {
        if (groupEnd === groupFirst) groupFirst = i;
        groupSize = stapSize;
      }
      groupEnd = i + 1;
    }
    if (groupEnd > groupFirst) packets += this.flushGroup(groupFirst, groupEnd, timestamp, true, sink);
    return packets;
  }

  /** Send staged NAL units [first, end) as one single NAL unit packet or one STAP-A. */
  private flushGroup(first: number, end: number, timestamp: number, marker: boolean, sink: RtpPacketSink): number {
    const out = this.work.bytes;
    let at = this.header.write(out, timestamp, marker);
    if (end - first === 1) {
      out.copyWithin(at, this.nalStart[first], this.nalEnd[first]);
      at += this.nalEnd[first] - this.nalStart[first];
    } else {
      const stapAt = at++;
      let f = 0;
      let nri = 0;
      for (let i = first; i < end; i++) {
        const start = this.nalStart[i];
        const size = this.nalEnd[i] - start;
        f |= out[start] & 0x80;
        nri = Math.max(nri, out[start] & 0x60);
        out[at++] = size >>> 8;
        out[at++] = size;
        out.copyWithin(at, start, start + size);
        at += size;
      }
      out[stapAt] = f | nri | NAL_TYPE.stapA;
    }
    sink(this.work.view(at));
    return 1;
  }

  /** Send staged NAL unit `index` as FU-A fragments of near-equal size. */
  private fragment(index: number, timestamp: number, lastNal: boolean, sink: RtpPacketSink): number {
    const out = this.work.bytes;
    const start = this.nalStart[index];
    const nalHeader = out[start];
    const dataSize = this.nalEnd[index] - start - 1;
    const maxFragment = this.maxPayload - 2;
    const count = Math.ceil(dataSize / maxFragment);
    const base = Math.floor(dataSize / count);
    const longer = dataSize % count; // the last `longer` fragments carry one more byte (as libwebrtc)
    const indicator = (nalHeader & 0xe0) | NAL_TYPE.fuA;
    const type = nalHeader & 0x1f;
    let from = start + 1;
    for (let k = 0; k < count; k++) {
      const size = base + (k >= count - longer ? 1 : 0);
      const end = k === count - 1;
      let at = this.header.write(out, timestamp, end && lastNal);
      out[at++] = indicator;
      out[at++] = (k === 0 ? 0x80 : 0) | (end ? 0x40 : 0) | type;
      out.copyWithin(at, from, from + size);
      from += size;
      sink(this.work.view(at + size));
    }
    return count;
  }
}

function remember(previous: Uint8Array | undefined, nal: Uint8Array): Uint8Array {
  if (previous && previous.length === nal.length && previous.every((b, i) => b === nal[i])) return previous;
  return nal.slice();
}
