/**
 * Real access units from our own H.264 encoder (the WebRTCRealEncoding spell this one
 * depends on) through the packetizer and depacketizer.
 */
import { describe, expect, it } from 'vitest';
import { H264Encoder, SyntheticSource } from '../../encoding/index.js';
import { H264Packetizer } from './packetizer.js';
import { H264Depacketizer, type H264Frame } from './depacketizer.js';
import { nalUnitType, splitAnnexB } from './nal.js';
import { RtpPacket } from '../rtp-packet.js';

const width = 640;
const height = 360;
const source = new SyntheticSource({ width, height, fps: 30, clock: () => 0 });
const encoder = new H264Encoder({ width, height, fps: 30, qp: 30, keyInterval: 6 });
const encoded = Array.from({ length: 12 }, () => encoder.encode(source.next()));

describe('H.264 RTP with our encoder', () => {
  it("carries the encoder's real access units through packetizer and depacketizer unchanged", () => {
    const packetizer = new H264Packetizer({ ssrc: 0x5eed, payloadType: 96, initialSequenceNumber: 65530 });
    const depacketizer = new H264Depacketizer();
    const frames: H264Frame[] = [];
    let packets = 0;
    encoded.forEach((au, i) => {
      packetizer.packetize(au.data, i * 3000, (p) => {
        packets++;
        expect(p.length).toBeLessThanOrEqual(1200);
        frames.push(...depacketizer.push(p.slice()));
      });
    });
    expect(packets).toBeGreaterThan(encoded.length);
    expect(frames.length).toBe(encoded.length);
    frames.forEach((frame, i) => {
      expect(frame.complete).toBe(true);
      expect(frame.keyframe).toBe(encoded[i].keyframe);
      expect(frame.nalUnits).toEqual(splitAnnexB(encoded[i].data));
    });
    expect(encoded.filter((e) => e.keyframe).length).toBe(2);
  });

  it("sends each of the encoder's IDRs behind a STAP-A of its SPS and PPS", () => {
    const packetizer = new H264Packetizer({ ssrc: 1, payloadType: 96 });
    for (const au of encoded.filter((e) => e.keyframe)) {
      const first = RtpPacket.parse(packetizer.packetizeToArray(au.data, 0)[0]).payload;
      expect(first[0] & 0x1f).toBe(24);
      const spsSize = (first[1] << 8) | first[2];
      expect(nalUnitType(first.subarray(3))).toBe(7);
      expect(nalUnitType(first.subarray(3 + spsSize + 2))).toBe(8);
    }
  });
});
