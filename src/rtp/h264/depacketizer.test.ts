import { describe, expect, it } from 'vitest';
import { H264Depacketizer, type H264Frame } from './depacketizer.js';
import { H264Packetizer } from './packetizer.js';
import { RtpPacket } from '../rtp-packet.js';
import { RtpPacketBuilder } from '../rtp-builder.js';
import { syntheticAccessUnits } from './synthetic.js';

const stream = syntheticAccessUnits({ frames: 12, gop: 6, idrBytes: 9_000, pBytesMin: 500, pBytesMax: 4_000 });

/** Packetize the stream: one array of packets per access unit, timestamps 3000 apart. */
function packetizeStream(initialSequenceNumber = 1000): Uint8Array[][] {
  const packetizer = new H264Packetizer({ ssrc: 42, payloadType: 102, initialSequenceNumber });
  return stream.map((au, i) => packetizer.packetizeToArray(au, 3000 * i));
}

function feed(packets: Uint8Array[], depacketizer = new H264Depacketizer()): H264Frame[] {
  const frames: H264Frame[] = [];
  for (const p of packets) frames.push(...depacketizer.push(p));
  frames.push(...depacketizer.flush());
  return frames;
}

const seqOf = (p: Uint8Array) => RtpPacket.parse(p).sequenceNumber;

describe('H264Depacketizer', () => {
  it('reassembles every access unit of an in-order stream, byte for byte', () => {
    const frames = feed(packetizeStream().flat());
    expect(frames.length).toBe(stream.length);
    frames.forEach((f, i) => {
      expect(f.complete).toBe(true);
      expect(f.timestamp).toBe(3000 * i);
      expect(f.keyframe).toBe(i % 6 === 0);
      expect(f.missingSeqs).toEqual([]);
      expect(f.nalUnits).toEqual(stream[i]);
    });
  });

  it('emits each frame as soon as its marker packet completes it', () => {
    const depacketizer = new H264Depacketizer();
    const [first] = packetizeStream();
    first.slice(0, -1).forEach((p) => expect(depacketizer.push(p)).toEqual([]));
    expect(depacketizer.push(first[first.length - 1]).length).toBe(1);
  });

  it('puts reordered packets back in order within the window', () => {
    const packets = packetizeStream().flat();
    // reverse every run of 5 packets
    const shuffled: Uint8Array[] = [];
    for (let i = 0; i < packets.length; i += 5) shuffled.push(...packets.slice(i, i + 5).reverse());
    const frames = feed(shuffled);
    expect(frames.map((f) => f.complete)).toEqual(stream.map(() => true));
    expect(frames.map((f) => f.nalUnits)).toEqual(stream);
  });

  it('reassembles across the sequence number wrap', () => {
    const frames = feed(packetizeStream(65500).flat());
    expect(frames.every((f) => f.complete)).toBe(true);
    expect(frames.map((f) => f.nalUnits)).toEqual(stream);
  });

  it('reports a lost FU-A fragment: that frame incomplete with its missing seq, the next ones complete', () => {
    const perFrame = packetizeStream();
    const victim = perFrame[6][3]; // a middle FU-A fragment of the second IDR
    expect(RtpPacket.parse(victim).payload[0] & 0x1f).toBe(28);
    expect(RtpPacket.parse(victim).payload[1] & 0xc0).toBe(0);
    const frames = feed(perFrame.flat().filter((p) => p !== victim));
    expect(frames.length).toBe(stream.length);
    expect(frames[6].complete).toBe(false);
    expect(frames[6].keyframe).toBe(true);
    expect(frames[6].missingSeqs).toEqual([seqOf(victim)]);
    expect(frames[6].nalUnits).toEqual(stream[6].slice(0, 2)); // SPS and PPS survive, the broken IDR is dropped
    expect(frames.filter((f) => !f.complete).length).toBe(1);
  });

  it('detects a lost marker packet from the timestamp change and keeps the next frame complete', () => {
    const perFrame = packetizeStream();
    const victim = perFrame[2][perFrame[2].length - 1];
    const frames = feed(perFrame.flat().filter((p) => p !== victim));
    expect(frames[2].complete).toBe(false);
    expect(frames[2].missingSeqs).toEqual([seqOf(victim)]);
    expect(frames[3].complete).toBe(true);
  });

  it('flags both frames when more than one seq is lost between them', () => {
    const perFrame = packetizeStream();
    const victims = [perFrame[3][perFrame[3].length - 1], perFrame[4][0]];
    const frames = feed(perFrame.flat().filter((p) => !victims.includes(p)));
    expect(frames[3].complete).toBe(false);
    expect(frames[4].complete).toBe(false);
    expect(frames[3].missingSeqs).toEqual(victims.map(seqOf));
    expect(frames[4].missingSeqs).toEqual([seqOf(victims[1])]);
    expect(frames[5].complete).toBe(true);
  });

  it('flags the frame after a lost leading packet (lost SPS/PPS STAP-A)', () => {
    const perFrame = packetizeStream();
    const victim = perFrame[6][0];
    expect(RtpPacket.parse(victim).payload[0] & 0x1f).toBe(24);
    const frames = feed(perFrame.flat().filter((p) => p !== victim));
    expect(frames[6].complete).toBe(false);
    expect(frames[6].keyframe).toBe(true);
    expect(frames[6].missingSeqs).toEqual([seqOf(victim)]);
    expect(frames[5].complete).toBe(true);
  });

  it('waits for a missing packet only as long as the reorder window', () => {
    const packets = packetizeStream().flat();
    const depacketizer = new H264Depacketizer({ reorderWindow: 4 });
    const victim = packets[1];
    const emitted: H264Frame[] = [];
    let pushedAfterLoss = 0;
    for (const p of packets.slice(2)) {
      emitted.push(...depacketizer.push(p));
      pushedAfterLoss++;
      if (emitted.length) break;
    }
    // packets[0] was never pushed either: the window decides when both count as lost
    expect(emitted[0].complete).toBe(false);
    expect(pushedAfterLoss).toBeLessThan(packets.length - 2);
    expect(depacketizer.push(victim)).toEqual([]);
    expect(depacketizer.stats.late).toBe(1);
  });

  it('ignores duplicates and padding-only packets between frames', () => {
    const perFrame = packetizeStream();
    // renumber: insert one padding-only packet after every frame
    const out: Uint8Array[] = [];
    let seq = 0;
    perFrame.forEach((packets, i) => {
      for (const bytes of packets) {
        const p = RtpPacket.parse(bytes.slice());
        p.sequenceNumber = seq++;
        out.push(p.bytes, p.bytes);
      }
      const pad = new RtpPacketBuilder({ payloadType: 102, sequenceNumber: seq++, timestamp: 3000 * i, ssrc: 42 });
      pad.paddingSize = 200;
      out.push(pad.toBytes(new Uint8Array(0)));
    });
    const depacketizer = new H264Depacketizer();
    const frames = feed(out, depacketizer);
    expect(frames.map((f) => f.complete)).toEqual(stream.map(() => true));
    // a copy arriving after its frame left counts as late, before that as a duplicate
    expect(depacketizer.stats.duplicates).toBe(perFrame.flat().length - perFrame.length);
    expect(depacketizer.stats.late).toBe(perFrame.length);
  });

  it('marks a frame with a malformed STAP-A incomplete', () => {
    const perFrame = packetizeStream();
    const bad = perFrame[0][0].slice();
    const p = RtpPacket.parse(bad);
    p.payload[1] = 0xff; // first NAL size now runs past the payload
    const frames = feed([bad, ...perFrame[0].slice(1), ...perFrame[1]]);
    expect(frames[0].complete).toBe(false);
    expect(frames[1].complete).toBe(true);
  });

  it('emits what it holds as incomplete on flush and restarts after a large jump', () => {
    const perFrame = packetizeStream();
    const depacketizer = new H264Depacketizer();
    for (const p of perFrame[0].slice(0, -1)) depacketizer.push(p);
    const flushed = depacketizer.flush();
    expect(flushed.length).toBe(1);
    expect(flushed[0].complete).toBe(false);
    const jumped = new H264Packetizer({ ssrc: 42, payloadType: 102, initialSequenceNumber: 30_000 });
    const frames = feed(jumped.packetizeToArray(stream[0], 1), depacketizer);
    expect(frames.length).toBe(1);
    expect(frames[0].complete).toBe(true);
  });
});
