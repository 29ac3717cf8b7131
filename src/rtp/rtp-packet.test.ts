import { describe, expect, it } from 'vitest';
import { RtpPacket, isRtpPacket } from './rtp-packet.js';
import { RtpPacketBuilder } from './rtp-builder.js';
import { RtpParseError } from './errors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function parseError(bytes: Uint8Array): RtpParseError {
  try {
    RtpPacket.parse(bytes);
  } catch (e) {
    if (e instanceof RtpParseError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('RtpPacket', () => {
  it('reads every fixed header field of a hand-assembled RFC 3550 packet', () => {
    // V=2 P=0 X=0 CC=2 | M=1 PT=111 | seq 0xfffe | ts 0x01020304 | ssrc 0xdeadbeef | 2 CSRCs | payload
    const p = RtpPacket.parse(hex('82 ef fffe 01020304 deadbeef 00000011 00000022 aabbcc'));
    expect(p.version).toBe(2);
    expect(p.padding).toBe(false);
    expect(p.extension).toBe(false);
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(111);
    expect(p.sequenceNumber).toBe(0xfffe);
    expect(p.timestamp).toBe(0x01020304);
    expect(p.ssrc).toBe(0xdeadbeef);
    expect(p.csrcs).toEqual([0x11, 0x22]);
    expect(p.headerSize).toBe(20);
    expect(Array.from(p.payload)).toEqual([0xaa, 0xbb, 0xcc]);
  });

  it('shares the bytes it wraps instead of copying them', () => {
    const bytes = hex('80 60 0001 00000001 00000001 0102');
    const p = RtpPacket.parse(bytes);
    bytes[12] = 9;
    expect(p.payload[0]).toBe(9);
    p.sequenceNumber = 0x1234;
    p.marker = true;
    p.payloadType = 100;
    p.timestamp = 0xffffffff;
    p.ssrc = 7;
    expect(bytes[2]).toBe(0x12);
    expect(bytes[1]).toBe(0x80 | 100);
    expect(RtpPacket.parse(bytes).timestamp).toBe(0xffffffff);
    expect(RtpPacket.parse(bytes).ssrc).toBe(7);
  });

  it('strips padding using the count in the last byte', () => {
    const p = RtpPacket.parse(hex('a0 60 0001 00000001 00000001 0102 000003'));
    expect(p.padding).toBe(true);
    expect(p.paddingSize).toBe(3);
    expect(Array.from(p.payload)).toEqual([1, 2]);
  });

  it('finds one-byte header extension elements by id (RFC 8285 4.2)', () => {
    // profile 0xBEDE, length 2 words: id1 L=0 [0x33], padding 0, id 3 L=1 [0xaa 0xbb], pad
    const p = RtpPacket.parse(hex('90 60 0001 00000001 00000001 bede0002 1033 00 31aabb 0000 ff'));
    expect(p.extensionForm).toBe('one-byte');
    expect(Array.from(p.getExtension(1)!)).toEqual([0x33]);
    expect(Array.from(p.getExtension(3)!)).toEqual([0xaa, 0xbb]);
    expect(p.getExtension(2)).toBeUndefined();
    expect(p.getExtensionUint(3, 2)).toBe(0xaabb);
    expect(p.getExtensions().map((e) => e.id)).toEqual([1, 3]);
    expect(Array.from(p.payload)).toEqual([0xff]);
  });

  it('finds two-byte header extension elements, including empty ones (RFC 8285 4.3)', () => {
    // profile 0x1000, 2 words: id 200 len 0, id 5 len 3 [1 2 3], pad
    const p = RtpPacket.parse(hex('90 60 0001 00000001 00000001 10000002 c800 0503010203 00 ee'));
    expect(p.extensionForm).toBe('two-byte');
    expect(p.getExtension(200)!.length).toBe(0);
    expect(Array.from(p.getExtension(5)!)).toEqual([1, 2, 3]);
    expect(Array.from(p.payload)).toEqual([0xee]);
  });

  it('stops reading one-byte elements at the reserved id 15', () => {
    const p = RtpPacket.parse(hex('90 60 0001 00000001 00000001 bede0001 10 33 f0 21 ee'));
    expect(p.getExtension(1)).toBeDefined();
    expect(p.getExtension(2)).toBeUndefined();
  });

  it('overwrites an extension value in place only when the length matches', () => {
    const bytes = hex('90 60 0001 00000001 00000001 bede0001 11 0001 00 ee');
    const p = RtpPacket.parse(bytes);
    expect(p.setExtension(1, Uint8Array.of(0xab, 0xcd))).toBe(true);
    expect(p.getExtensionUint(1, 2)).toBe(0xabcd);
    expect(p.setExtension(1, Uint8Array.of(1))).toBe(false);
    expect(p.setExtension(4, Uint8Array.of(1, 2))).toBe(false);
  });

  it('rejects malformed packets with RtpParseError carrying the failing byte offset', () => {
    expect(parseError(hex('8060 0001 0000')).offset).toBe(6);
    expect(parseError(hex('40 60 0001 00000001 00000001')).offset).toBe(0);
    expect(parseError(hex('83 60 0001 00000001 00000001 00000000')).offset).toBe(12);
    expect(parseError(hex('90 60 0001 00000001 00000001 bede')).offset).toBe(12);
    expect(parseError(hex('90 60 0001 00000001 00000001 bede0002 00000000')).offset).toBe(14);
    // one-byte element of 4 bytes in a 1-word block that only has 3 left
    expect(parseError(hex('90 60 0001 00000001 00000001 bede0001 13 000000')).offset).toBe(16);
    expect(parseError(hex('a0 60 0001 00000001 00000001 01 00')).offset).toBe(13);
    expect(parseError(hex('a0 60 0001 00000001 00000001 01 05')).offset).toBe(13);
    expect(parseError(hex('a0 60 0001 00000001 00000001')).offset).toBe(11);
    expect(parseError(new Uint8Array(0))).toBeInstanceOf(RangeError);
  });

  it('re-points one view at new bytes without allocating a new object', () => {
    const view = new RtpPacket();
    const a = new RtpPacketBuilder({ payloadType: 96, sequenceNumber: 1, timestamp: 10, ssrc: 5 }).toBytes(Uint8Array.of(1));
    const b = new RtpPacketBuilder({ payloadType: 97, sequenceNumber: 2, timestamp: 20, ssrc: 6 }).toBytes(Uint8Array.of(2, 3));
    expect(view.wrap(a).sequenceNumber).toBe(1);
    expect(view.wrap(b).sequenceNumber).toBe(2);
    expect(view.payloadLength).toBe(2);
  });

  it('tells RTP from RTCP by payload type (RFC 5761 4)', () => {
    expect(isRtpPacket(hex('80 60 0001 00000001 00000001'))).toBe(true);
    expect(isRtpPacket(hex('80 c8 0006 00000001 00000001'))).toBe(false);
    expect(isRtpPacket(hex('80 c9'))).toBe(false);
  });
});

describe('RtpPacketBuilder', () => {
  it('round-trips header, CSRCs, one-byte extensions and padding through RtpPacket', () => {
    const builder = new RtpPacketBuilder({ payloadType: 96, sequenceNumber: 65535, timestamp: 0xfffffff0, ssrc: 0x01020304, marker: true, csrcs: [9, 10] });
    builder.setExtension(3, Uint8Array.of(0x12, 0x34)).setExtension(1, Uint8Array.of(7));
    builder.paddingSize = 4;
    const target = new Uint8Array(100);
    const n = builder.writeTo(target, Uint8Array.of(1, 2, 3), 10);
    expect(n).toBe(builder.size(3));
    const p = RtpPacket.parse(target.subarray(10, 10 + n));
    expect(p.marker).toBe(true);
    expect(p.sequenceNumber).toBe(65535);
    expect(p.timestamp).toBe(0xfffffff0);
    expect(p.csrcs).toEqual([9, 10]);
    expect(p.extensionForm).toBe('one-byte');
    expect(p.getExtensionUint(3, 2)).toBe(0x1234);
    expect(p.getExtensionUint(1, 1)).toBe(7);
    expect(p.paddingSize).toBe(4);
    expect(Array.from(p.payload)).toEqual([1, 2, 3]);
    expect((p.extensionData.length) % 4).toBe(0);
  });

  it('switches to the two-byte form for ids above 14, empty values or values over 16 bytes', () => {
    for (const [id, len] of [[15, 1], [2, 0], [2, 17]]) {
      const b = new RtpPacketBuilder({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1 });
      b.setExtension(id, new Uint8Array(len).fill(0x5a));
      const p = RtpPacket.parse(b.toBytes(Uint8Array.of(0)));
      expect(p.extensionForm).toBe('two-byte');
      expect(p.getExtension(id)!.length).toBe(len);
    }
  });

  it('rebuilds a parsed packet byte for byte', () => {
    const original = Uint8Array.from(Buffer.from('b16f1234000003e8cafebabe00000077bede0002108f2201020300000000aabbccdd0002', 'hex'));
    const p = RtpPacket.parse(original);
    const rebuilt = RtpPacketBuilder.from(p).toBytes(p.payload);
    expect(Buffer.from(rebuilt).toString('hex')).toBe(Buffer.from(original).toString('hex'));
  });

  it('refuses a target buffer that is too small or ids out of range', () => {
    const b = new RtpPacketBuilder({ payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 1 });
    expect(() => b.writeTo(new Uint8Array(12), Uint8Array.of(1))).toThrow(RangeError);
    expect(() => b.setExtension(0, Uint8Array.of(1))).toThrow(RangeError);
    expect(() => b.setExtension(256, Uint8Array.of(1))).toThrow(RangeError);
    b.extensionForm = 'one-byte';
    b.setExtension(20, Uint8Array.of(1));
    expect(() => b.toBytes(Uint8Array.of(1))).toThrow(RangeError);
  });
});
