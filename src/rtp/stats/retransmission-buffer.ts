/**
 * A bounded store of recently sent RTP packets, keyed by sequence number, that answers
 * generic NACKs (RFC 4585 6.2.1) by handing back the stored packets for retransmission.
 */
import { DEFAULT_RETRANSMISSION_CAPACITY, DEFAULT_RETRANSMISSION_SLOT_SIZE, MESSAGES } from '../constants.js';
import type { GenericNack } from '../rtcp/nack.js';

export interface RetransmissionBufferOptions {
  /** Packets kept (power of two, default 1024): older ones are overwritten. */
  capacity?: number;
  /** Largest packet kept, in bytes (default 1500). */
  slotSize?: number;
}

export interface NackAnswer {
  /** Packets handed to the sink. */
  resent: number;
  /** Sequence numbers asked for that are no longer (or never were) stored. */
  missing: number[];
}

/**
 * A ring of fixed-size slots in one preallocated buffer: storing copies the packet into the
 * slot of `seq mod capacity`, so steady-state storage allocates nothing.
 */
export class RetransmissionBuffer {
  private readonly capacity: number;
  private readonly mask: number;
  private readonly slotSize: number;
  private readonly slab: Uint8Array;
  private readonly lengths: Uint16Array;
  private readonly seqs: Int32Array;

  constructor(options: RetransmissionBufferOptions = {}) {
    this.capacity = options.capacity ?? DEFAULT_RETRANSMISSION_CAPACITY;
    if (this.capacity < 1 || this.capacity > 0x8000 || (this.capacity & (this.capacity - 1)) !== 0) throw new RangeError(MESSAGES.capacityPowerOfTwo);
    this.mask = this.capacity - 1;
    this.slotSize = options.slotSize ?? DEFAULT_RETRANSMISSION_SLOT_SIZE;
    this.slab = new Uint8Array(this.capacity * this.slotSize);
    this.lengths = new Uint16Array(this.capacity);
    this.seqs = new Int32Array(this.capacity).fill(-1);
  }

  /** Keep a copy of an RTP packet. Returns false (and keeps nothing) when it is too large or too short. */
  store(packet: Uint8Array): boolean {
    if (packet.length > this.slotSize || packet.length < 12) return false;
    const seq = (packet[2] << 8) | packet[3];
    const slot = seq & this.mask;
    this.slab.set(packet, slot * this.slotSize);
    this.lengths[slot] = packet.length;
    this.seqs[slot] = seq;
    return true;
  }

  /** The stored packet with sequence number `seq` (a borrowed view), or undefined. */
  get(seq: number): Uint8Array | undefined {
    const slot = seq & this.mask;
    if (this.seqs[slot] !== (seq & 0xffff)) return undefined;
    const start = slot * this.slotSize;
    return this.slab.subarray(start, start + this.lengths[slot]);
  }

  /** Hand every stored packet a NACK asks for to `send`, in the NACK's order. */
  answerNack(nack: GenericNack, send: (packet: Uint8Array) => void): NackAnswer {
    const answer: NackAnswer = { resent: 0, missing: [] };
    for (const seq of nack.sequenceNumbers()) {
      const packet = this.get(seq);
      if (packet) {
        send(packet);
        answer.resent++;
      } else {
        answer.missing.push(seq);
      }
    }
    return answer;
  }
}
