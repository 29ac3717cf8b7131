/**
 * Fuzz target of the peer module's receive path (engine: fuzz/engine.ts): what a remote may
 * put on an audio track (RTP and RTCP, any bytes, any order) fed to an AudioReceiver, seeded
 * from Chrome's captured Opus RTP and RTCP. The receiver must never throw (a throw would land
 * in a node-datachannel callback), hold no more than its reorder capacity, and release
 * packets in sequence order: each one's sequence number is the previous one's plus one plus
 * its `lost` count, except across a restart or an SSRC change.
 */
import { readFileSync } from 'node:fs';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { readRtpDump } from '../rtp/index.js';
import { frameSequence } from '../rtp/rtp.fuzz.js';
import { AudioReceiver } from './receiver.js';

const opus = readRtpDump(readFileSync(new URL('../../fixtures/chrome/rtp/chrome-opus.rtpdump', import.meta.url))).packets;
const rtp = opus.filter((p) => !p.isRtcp).map((p) => p.data);
const rtcp = opus.filter((p) => p.isRtcp).map((p) => p.data);
const CAPACITY = 4;

/** Feed a framed message sequence ([u16 length][bytes]...) to a fresh receiver and check its properties. */
function runReceiver(input: Uint8Array): unknown {
  const receiver = new AudioReceiver({ mid: '0', payloadType: rtp.length ? rtp[0]![1]! & 0x7f : 111, reorder: { capacity: CAPACITY, maxDelayMs: 60 } });
  /** The last packet released, and how many restarts and SSRC changes had happened by then. */
  let previous: { seq: number; epoch: number } | undefined;
  let delivered = 0;
  let problem: string | undefined;
  receiver.on('audioPacket', (p) => {
    delivered++;
    const stats = receiver.getStats();
    const epoch = stats.resyncs + stats.ssrcChanges;
    if (previous && previous.epoch === epoch && ((previous.seq + 1 + p.lost) & 0xffff) !== p.sequenceNumber) {
      problem ??= `packet ${p.sequenceNumber} after ${previous.seq} with lost ${p.lost}`;
    }
    previous = { seq: p.sequenceNumber, epoch };
  });
  try {
    let at = 0;
    for (let now = 0; at + 2 <= input.length; now += 7) {
      const length = (input[at]! << 8) | input[at + 1]!;
      const message = input.subarray(at + 2, at + 2 + length);
      at += 2 + length;
      if (message.length > 1 && message[1]! >= 192 && message[1]! <= 223) receiver.handleMessage(message);
      else receiver.handleRtp(message, 1_000_000 + now, now);
      if (receiver.getStats().held > CAPACITY) throw new Error(`holds ${receiver.getStats().held} packets, capacity ${CAPACITY}`);
    }
  } finally {
    receiver.close();
  }
  if (problem) throw new Error(`out of order: ${problem}`);
  const stats = receiver.getStats();
  if (stats.packetsDelivered !== delivered) throw new Error(`packetsDelivered ${stats.packetsDelivered}, events ${delivered}`);
  return delivered;
}

const inOrder = rtp.slice(0, 24);
const shuffled = [...inOrder];
[shuffled[3], shuffled[5]] = [shuffled[5]!, shuffled[3]!];
shuffled.splice(10, 1);
shuffled.splice(15, 0, shuffled[14]!);

export const targets: FuzzTarget[] = [
  {
    name: 'peer.audio.receive',
    seeds: [frameSequence([...inOrder.slice(0, 12), ...rtcp.slice(0, 1), ...inOrder.slice(12)]), frameSequence(shuffled)],
    run: runReceiver,
    isExpectedError: () => false,
  },
];
