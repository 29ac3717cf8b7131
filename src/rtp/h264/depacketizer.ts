/**
 * H.264 RTP depacketizer (RFC 6184): reassembles access units from single NAL unit
 * packets (5.6), STAP-A (5.7.1) and FU-A (5.8), across reordering, and says which ones are
 * incomplete and why.
 */
import { DEFAULT_REORDER_WINDOW, DEPACKETIZER_CAPACITY, MESSAGES } from '../constants.js';
import { RtpPacket } from '../rtp-packet.js';
import { seqDelta } from '../sequence.js';
import { PayloadKind, classifyPayload, forEachStapUnit } from './payload.js';

/** One access unit (frame) as reassembled from RTP. */
export interface H264Frame {
  /** RTP timestamp (90 kHz) shared by all its packets. */
  timestamp: number;
  /** The NAL units recovered, in decoding order (owned copies). */
  nalUnits: Uint8Array[];
  /**
   * True when nothing is missing: the packet before it ended the previous frame, every
   * sequence number up to the one with the marker bit arrived, and every FU-A ran from
   * its S fragment to its E fragment.
   */
  complete: boolean;
  /** True when the frame carries IDR slice data (NAL type 5). */
  keyframe: boolean;
  /** Sequence numbers known lost that belong (or may belong) to this frame. */
  missingSeqs: number[];
  /** Sequence numbers of the first and last packets received for it. */
  firstSeq: number;
  lastSeq: number;
  /** Packets received for it. */
  packets: number;
}

export interface H264DepacketizerOptions {
  /**
   * How many newer packets must arrive after a missing sequence number before it is
   * declared lost (default 64). Larger values tolerate more reordering and delay more.
   */
  reorderWindow?: number;
  /** Packets held at most (power of two, default 1024). */
  capacity?: number;
}

export interface H264DepacketizerStats {
  packets: number;
  duplicates: number;
  /** Packets that arrived after their frame had been emitted. */
  late: number;
  malformed: number;
  lost: number;
  completeFrames: number;
  incompleteFrames: number;
}

const EMPTY = -1;

/**
 * Packets are held in a ring indexed by extended sequence number. Frames leave in sequence
 * order: the head frame leaves as soon as it is complete, or, once a sequence number inside
 * it has been missing for `reorderWindow` newer packets, as soon as its end is known (its
 * marker packet, or the first packet with another timestamp), flagged incomplete.
 *
 * A gap between a frame with no marker and the next frame is ambiguous: its first sequence
 * number must be the frame's marker packet, the rest may be either's. Such seqs are listed
 * for the first frame, and the next frame is flagged incomplete with the rest listed too.
 * Padding-only packets occupy sequence numbers but belong to no frame.
 */
export class H264Depacketizer {
  readonly stats: H264DepacketizerStats = { packets: 0, duplicates: 0, late: 0, malformed: 0, lost: 0, completeFrames: 0, incompleteFrames: 0 };
  private readonly capacity: number;
  private readonly mask: number;
  private readonly window: number;
  private readonly slotExt: Float64Array;
  private readonly slotTs: Float64Array;
  private readonly slotInfo: Uint16Array; // PayloadKind | 0x100 (IDR) | 0x200 (marker)
  private readonly slotPayload: (Uint8Array | null)[];
  private readonly view = new RtpPacket();
  private started = false;
  private emittedAny = false;
  private nextSeq = 0;
  private highest = 0;
  private lostThrough = -1;
  /** Whether the frame at `nextSeq` starts right after a frame's end; undefined at first. */
  private startClean: boolean | undefined = undefined;
  private carryMissing: number[] = [];

  constructor(options: H264DepacketizerOptions = {}) {
    this.capacity = options.capacity ?? DEPACKETIZER_CAPACITY;
    if (this.capacity < 2 || (this.capacity & (this.capacity - 1)) !== 0) throw new RangeError(MESSAGES.capacityPowerOfTwo);
    this.mask = this.capacity - 1;
    this.window = Math.max(1, Math.min(options.reorderWindow ?? DEFAULT_REORDER_WINDOW, this.capacity - 1));
    this.slotExt = new Float64Array(this.capacity).fill(EMPTY);
    this.slotTs = new Float64Array(this.capacity);
    this.slotInfo = new Uint16Array(this.capacity);
    this.slotPayload = new Array<Uint8Array | null>(this.capacity).fill(null);
  }

  /**
   * Add one RTP packet (a parsed view, or bytes parsed here: RtpParseError on bad bytes).
   * The payload is copied. Returns the frames this packet made ready, oldest first.
   */
  push(packet: RtpPacket | Uint8Array): H264Frame[] {
    const p = packet instanceof Uint8Array ? this.view.wrap(packet) : packet;
    const out: H264Frame[] = [];
    this.stats.packets++;
    const seq = p.sequenceNumber;
    if (!this.started) {
      this.started = true;
      // Start high enough that earlier (reordered) packets stay positive.
      this.nextSeq = this.highest = 0x10000 + seq;
    }
    const ext = this.highest + seqDelta(this.highest & 0xffff, seq);
    if (ext < this.nextSeq) {
      if (!this.emittedAny && this.nextSeq - ext <= this.window && this.highest - ext < this.capacity) {
        this.nextSeq = ext;
      } else {
        this.stats.late++;
        return out;
      }
    }
    if (ext - this.highest >= this.capacity) {
      // A jump larger than the ring: nothing held can complete any more.
      this.drain(out, Infinity);
      this.nextSeq = this.highest = ext;
      this.lostThrough = ext - 1;
      this.startClean = undefined;
      this.carryMissing = [];
    } else if (ext - this.nextSeq >= this.capacity) {
      this.drain(out, ext - this.capacity + 1);
    }
    const slot = ext & this.mask;
    if (this.slotExt[slot] === ext) {
      this.stats.duplicates++;
      return out;
    }
    let info = classifyPayload(p.payload);
    if ((info & 0xff) === PayloadKind.malformed) this.stats.malformed++;
    if (p.marker) info |= 0x200;
    this.slotExt[slot] = ext;
    this.slotTs[slot] = p.timestamp;
    this.slotInfo[slot] = info;
    this.slotPayload[slot] = (info & 0xff) === PayloadKind.filler ? null : p.payload.slice();
    if (ext > this.highest) this.highest = ext;
    this.drain(out, -Infinity);
    return out;
  }

  /** Emit everything held, complete or not (end of stream). */
  flush(): H264Frame[] {
    const out: H264Frame[] = [];
    if (this.started) this.drain(out, Infinity);
    return out;
  }

  private has(ext: number): boolean {
    return this.slotExt[ext & this.mask] === ext;
  }

  /** Emit head frames while possible. Sequence numbers below `force` must be vacated. */
  private drain(out: H264Frame[], force: number): void {
    while (this.nextSeq <= this.highest) {
      const s0 = this.nextSeq;
      if (this.has(s0) && (this.slotInfo[s0 & this.mask] & 0xff) === PayloadKind.filler) {
        this.advanceTo(s0 + 1);
        continue;
      }
      let timestamp = -1;
      let lastMedia = -1;
      let end = -1; // marker packet
      let boundary = -1; // first packet of the next frame
      let waitingAt = -1; // a missing seq not yet given up on
      for (let s = s0; s <= this.highest; s++) {
        if (!this.has(s)) {
          if (s <= this.lostThrough || this.highest - s >= this.window || s < force) {
            if (s > this.lostThrough) this.lostThrough = s;
            continue;
          }
          waitingAt = s;
          break;
        }
        const slot = s & this.mask;
        const info = this.slotInfo[slot];
        if ((info & 0xff) === PayloadKind.filler) continue;
        if (timestamp < 0) timestamp = this.slotTs[slot];
        else if (this.slotTs[slot] !== timestamp) {
          boundary = s;
          break;
        }
        lastMedia = s;
        if (info & 0x200) {
          end = s;
          break;
        }
      }
      if (waitingAt >= 0 || (end < 0 && boundary < 0)) {
        // The end of this frame may still come, unless its start must be vacated now:
        // then it leaves truncated.
        if (s0 >= force) return;
        if (lastMedia < 0) {
          // Only lost seqs and padding before the newest packet or the awaited seq.
          this.startClean = false;
          this.advanceTo(waitingAt >= 0 ? waitingAt : this.highest + 1);
          return;
        }
      }
      this.emitFrame(out, s0, timestamp, lastMedia, end, boundary);
    }
  }

  private emitFrame(out: H264Frame[], s0: number, timestamp: number, lastMedia: number, end: number, boundary: number): void {
    const missing = this.carryMissing;
    this.carryMissing = [];
    const stop = end >= 0 ? end : lastMedia; // last seq that belongs to this frame for sure
    for (let s = s0; s <= stop; s++) if (!this.has(s)) missing.push(s & 0xffff);
    let endClean = end >= 0;
    let nextClean = end >= 0;
    let advance = stop + 1;
    if (end < 0 && boundary >= 0) {
      // Ended by a timestamp change: look at the seqs between our last packet and the next frame.
      let absent = 0;
      for (let s = lastMedia + 1; s < boundary; s++) {
        if (this.has(s)) continue;
        if (absent > 0) this.carryMissing.push(s & 0xffff);
        missing.push(s & 0xffff);
        absent++;
      }
      endClean = absent === 0;
      nextClean = absent <= 1;
      advance = boundary;
    }
    let startClean = this.startClean;
    if (startClean === undefined) {
      const kind = this.has(s0) ? this.slotInfo[s0 & this.mask] & 0xff : 0;
      startClean = kind === PayloadKind.single || kind === PayloadKind.stapA || kind === PayloadKind.fuStart;
    }
    if (!this.has(s0)) startClean = false;

    const nalUnits: Uint8Array[] = [];
    let broken = false;
    let keyframe = false;
    let fuParts: Uint8Array[] = [];
    let fuHeader = -1; // reconstructed NAL header of the FU-A in progress, or -1
    let fuLast = -1;
    let packets = 0;
    let firstSeq = -1;
    for (let s = s0; s <= stop; s++) {
      if (!this.has(s)) continue;
      const slot = s & this.mask;
      const info = this.slotInfo[slot];
      const kind = info & 0xff;
      if (kind === PayloadKind.filler) continue;
      const payload = this.slotPayload[slot]!;
      packets++;
      if (firstSeq < 0) firstSeq = s;
      if (info & 0x100) keyframe = true;
      if (fuHeader >= 0 && kind !== PayloadKind.fuMiddle && kind !== PayloadKind.fuEnd) {
        broken = true; // an FU-A never reached its E fragment
        fuHeader = -1;
      }
      switch (kind) {
        case PayloadKind.single:
          nalUnits.push(payload);
          break;
        case PayloadKind.stapA:
          forEachStapUnit(payload, (nal) => nalUnits.push(nal));
          break;
        case PayloadKind.fuStart:
          fuHeader = (payload[0] & 0xe0) | (payload[1] & 0x1f);
          fuParts = [payload.subarray(2)];
          fuLast = s;
          break;
        case PayloadKind.fuMiddle:
        case PayloadKind.fuEnd: {
          const header = (payload[0] & 0xe0) | (payload[1] & 0x1f);
          if (fuHeader !== header || s !== fuLast + 1) {
            broken = true;
            fuHeader = -1;
            break;
          }
          fuParts.push(payload.subarray(2));
          fuLast = s;
          if (kind === PayloadKind.fuEnd) {
            nalUnits.push(joinFragments(fuHeader, fuParts));
            fuHeader = -1;
          }
          break;
        }
        default:
          broken = true;
      }
    }
    if (fuHeader >= 0) broken = true;
    const complete = startClean && endClean && missing.length === 0 && !broken;
    this.stats.lost += missing.length;
    if (complete) this.stats.completeFrames++;
    else this.stats.incompleteFrames++;
    out.push({
      timestamp,
      nalUnits,
      complete,
      keyframe,
      missingSeqs: missing,
      firstSeq: firstSeq & 0xffff,
      lastSeq: lastMedia & 0xffff,
      packets,
    });
    this.emittedAny = true;
    this.startClean = nextClean;
    this.advanceTo(advance);
  }

  /** Release every slot below `next` and move the head there. */
  private advanceTo(next: number): void {
    const from = Math.max(this.nextSeq, next - this.capacity);
    for (let s = from; s < next; s++) {
      const slot = s & this.mask;
      if (this.slotExt[slot] === s) {
        this.slotExt[slot] = EMPTY;
        this.slotPayload[slot] = null;
      }
    }
    this.nextSeq = next;
  }
}

function joinFragments(header: number, parts: Uint8Array[]): Uint8Array {
  let size = 1;
  for (const part of parts) size += part.length;
  const nal = new Uint8Array(size);
  nal[0] = header;
  let at = 1;
  for (const part of parts) {
    nal.set(part, at);
    at += part.length;
  }
  return nal;
}
