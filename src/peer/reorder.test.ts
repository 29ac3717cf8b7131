import { describe, expect, it } from 'vitest';
import { OpusPacketizer } from '../rtp/index.js';
import { AudioReceiver, type AudioPacket } from './receiver.js';
import { ReorderBuffer, type Released } from './reorder.js';

/** Pushes `seqs` (arriving 1 ms apart from t = 0) and returns what came out: "seq" or "seq(lost n)". */
function run(buffer: ReorderBuffer<number>, seqs: number[], start = 0): string[] {
  const out: string[] = [];
  const sink = (r: Released<number>) => out.push(r.lost ? `${r.sequenceNumber}(lost ${r.lost})` : `${r.sequenceNumber}`);
  seqs.forEach((s, i) => buffer.push(s, s, start + i, sink));
  return out;
}

describe('ReorderBuffer', () => {
  it('releases in-order packets at once and puts reordered ones back in order', () => {
    const b = new ReorderBuffer<number>({ capacity: 4, maxDelayMs: 60 });
    expect(run(b, [10, 11, 13, 12, 14, 16, 15])).toEqual(['10', '11', '12', '13', '14', '15', '16']);
    expect(b.stats).toMatchObject({ received: 7, delivered: 7, lost: 0, reordered: 2, held: 0 });
  });

  it('declares a gap lost once capacity packets wait behind it, and counts the straggler late', () => {
    const b = new ReorderBuffer<number>({ capacity: 3, maxDelayMs: 1000 });
    expect(run(b, [1, 3, 4, 5])).toEqual(['1']);
    expect(run(b, [6], 10)).toEqual(['3(lost 1)', '4', '5', '6']);
    expect(run(b, [2, 6, 7], 20)).toEqual(['7']);
    expect(b.stats).toMatchObject({ delivered: 6, lost: 1, late: 1, duplicate: 1, held: 0 });
  });

  it('declares a gap lost when the oldest waiting packet has waited maxDelayMs (flushDue at nextDeadline)', () => {
    const b = new ReorderBuffer<number>({ capacity: 8, maxDelayMs: 60 });
    const out: string[] = [];
    const sink = (r: Released<number>) => out.push(`${r.sequenceNumber}/${r.lost}`);
    b.push(100, 0, 0, sink);
    b.push(103, 0, 5, sink);
    b.push(104, 0, 25, sink);
    expect(b.nextDeadline()).toBe(65);
    b.flushDue(64, sink);
    expect(out).toEqual(['100/0']);
    b.flushDue(65, sink);
    expect(out).toEqual(['100/0', '103/2', '104/0']);
    expect(b.nextDeadline()).toBeUndefined();
  });

  it('follows the sequence number through its wrap at 65,535', () => {
    const b = new ReorderBuffer<number>({ capacity: 4 });
    expect(run(b, [65533, 65534, 0, 65535, 1, 3, 4, 5, 6, 7])).toEqual(['65533', '65534', '65535', '0', '1', '3(lost 1)', '4', '5', '6', '7']);
    expect(b.stats).toMatchObject({ lost: 1, reordered: 1 });
  });

  it('treats a far jump as a restart only when the next packet confirms it, losing nothing across it', () => {
    const b = new ReorderBuffer<number>({ capacity: 4 });
    expect(run(b, [1, 2, 30000, 3, 40000, 40001, 40002])).toEqual(['1', '2', '3', '40000', '40001', '40002']);
    expect(b.stats).toMatchObject({ outOfRange: 1, resyncs: 1, lost: 0, delivered: 6 });
  });

  it('holds no more than its capacity whatever arrives', () => {
    const b = new ReorderBuffer<number>({ capacity: 5 });
    let seed = 3;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
    const delivered: number[] = [];
    for (let i = 0; i < 5000; i++) {
      b.push(Math.floor(random() * 65536), i, i, (r) => delivered.push(r.sequenceNumber));
      expect(b.stats.held).toBeLessThanOrEqual(5);
    }
    expect(() => new ReorderBuffer({ capacity: 0 })).toThrow(RangeError);
  });
});

describe('AudioReceiver (bytes in, audioPacket out)', () => {
  function opusRtp(count: number): Uint8Array[] {
    const packetizer = new OpusPacketizer({ ssrc: 0xabc, payloadType: 111, initialSequenceNumber: 65530, initialTimestamp: 5000 });
    return Array.from({ length: count }, (_, i) => packetizer.packetizeToBytes(Uint8Array.of(0xf8, i, 1, 2, 3)).slice());
  }

  it('delivers parsed Opus packets in order; a dropped packet (other payload type, bad bytes) counts as lost for the consumer', () => {
    const receiver = new AudioReceiver({ mid: 'a', payloadType: 111, reorder: { capacity: 4, maxDelayMs: 60 } });
    const got: AudioPacket[] = [];
    receiver.on('audioPacket', (p) => got.push(p));
    const packets = opusRtp(10);
    // Packet 4 arrives as payload type 13 (comfort noise), packet 7 not at all; 2 and 3 swap.
    const order = [0, 1, 3, 2, 5, 6, 8, 9];
    const other = packets[4]!.slice();
    other[1] = (other[1]! & 0x80) | 13;
    receiver.handleRtp(Uint8Array.of(0x80, 1, 2)); // too short: malformed, no sequence number
    for (const i of order.slice(0, 4)) receiver.handleRtp(packets[i]!, 1000 + i, i);
    receiver.handleRtp(other, 1004, 4);
    for (const i of order.slice(4)) receiver.handleRtp(packets[i]!, 1000 + i, i);
    expect(got.map((p) => `${p.payload[1]}:${p.lost}`)).toEqual(['0:0', '1:0', '2:0', '3:0', '5:1', '6:0']);
    expect(got[0]).toMatchObject({ mid: 'a', ssrc: 0xabc, payloadType: 111, sequenceNumber: 65530, rtpTimestamp: 5000, samples: 960, receivedAtMs: 1000 });
    expect(got[5]!.sequenceNumber).toBe(0); // wrapped
    expect(receiver.getStats()).toMatchObject({ packetsReceived: 10, packetsDelivered: 6, malformed: 1, otherPayloadType: 1, reordered: 1, held: 2, lost: 0 });
    receiver.close();
  });
});
