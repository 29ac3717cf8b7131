import { describe, expect, it } from 'vitest';
import { OpusPacketizer } from './packetizer.js';
import { OpusDepacketizer } from './depacketizer.js';
import { isOpusDtx, opusPacketSamples } from './toc.js';
import { RtpPacket } from '../rtp-packet.js';

// TOC 0x78: config 15 (hybrid FB 20 ms), mono, code 0. 0xfc: config 31 (CELT FB 20 ms), stereo, code 0.
const voice = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x78 : (i * 31) & 0xff));
const dtx = Uint8Array.of(0x78);

describe('Opus TOC', () => {
  it('computes the duration of code 0, 1, 2 and 3 packets at 48 kHz (RFC 6716 3.1, 3.2)', () => {
    expect(opusPacketSamples(Uint8Array.of(0x78, 1))).toBe(960); // 20 ms
    expect(opusPacketSamples(Uint8Array.of(0xfc, 1))).toBe(960);
    expect(opusPacketSamples(Uint8Array.of(0x08 | 1, 1, 1))).toBe(1920); // SILK NB 20 ms, 2 frames
    expect(opusPacketSamples(Uint8Array.of(0xe3, 0x03))).toBe(360); // CELT 2.5 ms x 3
    expect(opusPacketSamples(Uint8Array.of(0x1b, 0x03))).toBe(-1); // 3 x 60 ms > 120 ms
    expect(opusPacketSamples(Uint8Array.of(0x03))).toBe(-1);
    expect(opusPacketSamples(Uint8Array.of(0x03, 0x00))).toBe(-1);
    expect(opusPacketSamples(new Uint8Array(0))).toBe(-1);
    expect(isOpusDtx(dtx)).toBe(true);
    expect(isOpusDtx(voice(40))).toBe(false);
  });
});

describe('OpusPacketizer', () => {
  it('puts one Opus packet per RTP packet and advances the 48 kHz timestamp by its duration', () => {
    const packetizer = new OpusPacketizer({ ssrc: 9, payloadType: 111, initialSequenceNumber: 65535, initialTimestamp: 0xffffff00 });
    const packets = [voice(60), voice(70), voice(80)].map((v) => RtpPacket.parse(packetizer.packetizeToBytes(v)));
    expect(packets.map((p) => p.timestamp)).toEqual([0xffffff00, (0xffffff00 + 960) >>> 0, (0xffffff00 + 1920) >>> 0]);
    expect(packets.map((p) => p.sequenceNumber)).toEqual([65535, 0, 1]);
    expect(packets.map((p) => p.payloadLength)).toEqual([60, 70, 80]);
    expect(packets.map((p) => p.payloadType)).toEqual([111, 111, 111]);
  });

  it('sets the marker on the first packet and on the first packet after DTX silence only', () => {
    const packetizer = new OpusPacketizer({ ssrc: 9, payloadType: 111, initialTimestamp: 0 });
    const sent = [voice(50), voice(50), dtx, dtx, voice(50), voice(50)];
    const markers = sent.map((v) => RtpPacket.parse(packetizer.packetizeToBytes(v)).marker);
    expect(markers).toEqual([true, false, false, false, true, false]);
  });

  it('sets the marker after a pause in transmission (timestamp jump)', () => {
    const packetizer = new OpusPacketizer({ ssrc: 9, payloadType: 111, initialTimestamp: 0 });
    expect(RtpPacket.parse(packetizer.packetizeToBytes(voice(50), 0)).marker).toBe(true);
    expect(RtpPacket.parse(packetizer.packetizeToBytes(voice(50), 960)).marker).toBe(false);
    expect(RtpPacket.parse(packetizer.packetizeToBytes(voice(50), 960 * 10)).marker).toBe(true);
  });

  it('rejects a payload that is not Opus', () => {
    const packetizer = new OpusPacketizer({ ssrc: 9, payloadType: 111 });
    expect(() => packetizer.packetizeToBytes(new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('OpusDepacketizer', () => {
  it('returns each Opus packet with its duration and counts lost and late packets', () => {
    const packetizer = new OpusPacketizer({ ssrc: 9, payloadType: 111, initialSequenceNumber: 10, initialTimestamp: 0 });
    const packets = [voice(50), voice(51), voice(52), voice(53)].map((v) => packetizer.packetizeToBytes(v));
    const depacketizer = new OpusDepacketizer();
    const a = depacketizer.push(packets[0])!;
    expect(a.talkspurtStart).toBe(true);
    expect(a.samples).toBe(960);
    expect(Array.from(a.data)).toEqual(Array.from(voice(50)));
    const c = depacketizer.push(packets[2])!;
    expect(c.lostBefore).toBe(1);
    expect(depacketizer.push(packets[1])).toBeUndefined();
    expect(depacketizer.push(packets[3])!.lostBefore).toBe(0);
    expect(depacketizer.stats).toEqual({ packets: 4, lost: 1, late: 1, malformed: 0 });
  });
});
