import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { targets } from './rtpdump.fuzz.js';
import {
  RTPDUMP_FILE_HEADER_BYTES,
  RTPDUMP_PACKET_HEADER_BYTES,
  RtpDumpError,
  isRtcpPacket,
  readRtpDump,
  writeRtpDump,
  type RtpDumpPacket,
} from './rtpdump.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/chrome/rtp/${name}`, import.meta.url))));

/** Offset of RD_hdr_t: just after the "#!rtpplay1.0 addr/port\n" line. */
function headerStart(bytes: Uint8Array): number {
  return bytes.indexOf(0x0a) + 1;
}

function expectRtpDumpError(bytes: Uint8Array, offset: number, message: RegExp): void {
  let caught: unknown;
  try {
    readRtpDump(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(RtpDumpError);
  expect((caught as RtpDumpError).offset).toBe(offset);
  expect((caught as RtpDumpError).message).toMatch(message);
}

const sample: RtpDumpPacket[] = [
  { offsetMs: 0, isRtcp: false, data: Uint8Array.from([0x80, 0x60, 0x00, 0x01, 0, 0, 0, 9, 1, 2, 3, 4, 0xaa, 0xbb]) },
  { offsetMs: 20, isRtcp: true, data: Uint8Array.from([0x81, 0xce, 0x00, 0x02, 0, 0, 0, 1, 1, 2, 3, 4]) },
  { offsetMs: 70_000, isRtcp: false, data: Uint8Array.from([0x80, 0xe0, 0x00, 0x02, 0, 0, 0, 10, 1, 2, 3, 4]) },
];

describe('rtpdump writer and reader', () => {
  it('round-trips header fields and packets byte for byte', () => {
    const bytes = writeRtpDump({ address: '192.0.2.2', port: 5004, startSec: 1_700_000_000, startUsec: 123_456, packets: sample });
    const dump = readRtpDump(bytes);
    expect(dump.address).toBe('192.0.2.2');
    expect(dump.port).toBe(5004);
    expect(dump.startSec).toBe(1_700_000_000);
    expect(dump.startUsec).toBe(123_456);
    expect(dump.source).toBe(0xc0000202);
    expect(dump.sourcePort).toBe(5004);
    expect(dump.packets).toEqual(sample);
    expect(writeRtpDump({ ...dump, packets: dump.packets })).toEqual(bytes);
  });

  it('writes the rtptools layout: text line, 16-byte RD_hdr_t, 8-byte RD_packet_t with plen 0 for RTCP', () => {
    const bytes = writeRtpDump({ address: '10.0.0.1', port: 9, startSec: 2, packets: sample.slice(0, 2) });
    const line = '#!rtpplay1.0 10.0.0.1/9\n';
    expect(new TextDecoder().decode(bytes.subarray(0, line.length))).toBe(line);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = line.length;
    expect(view.getUint32(at)).toBe(2);
    expect(view.getUint32(at + 8)).toBe(0x0a000001);
    expect(view.getUint16(at + 12)).toBe(9);
    at += RTPDUMP_FILE_HEADER_BYTES;
    expect(view.getUint16(at)).toBe(RTPDUMP_PACKET_HEADER_BYTES + 14);
    expect(view.getUint16(at + 2)).toBe(14);
    expect(view.getUint32(at + 4)).toBe(0);
    at += RTPDUMP_PACKET_HEADER_BYTES + 14;
    expect(view.getUint16(at)).toBe(RTPDUMP_PACKET_HEADER_BYTES + 12);
    expect(view.getUint16(at + 2)).toBe(0);
    expect(view.getUint32(at + 4)).toBe(20);
    expect(bytes.length).toBe(at + RTPDUMP_PACKET_HEADER_BYTES + 12);
  });

  it('rejects values the format cannot hold with RangeError', () => {
    const big = { offsetMs: 0, isRtcp: false, data: new Uint8Array(0xffff) };
    expect(() => writeRtpDump({ address: '1.2.3.4', port: 1, startSec: 0, packets: [big] })).toThrow(RangeError);
    expect(() => writeRtpDump({ address: '::1', port: 1, startSec: 0, packets: [] })).toThrow(RangeError);
    expect(() => writeRtpDump({ address: '1.2.3.4', port: 70000, startSec: 0, packets: [] })).toThrow(RangeError);
  });

  it('demultiplexes RTP and RTCP by RFC 5761: second byte 192..223 is RTCP', () => {
    expect(isRtcpPacket(Uint8Array.from([0x80, 191]))).toBe(false);
    expect(isRtcpPacket(Uint8Array.from([0x80, 192]))).toBe(true);
    expect(isRtcpPacket(Uint8Array.from([0x80, 200]))).toBe(true);
    expect(isRtcpPacket(Uint8Array.from([0x80, 223]))).toBe(true);
    expect(isRtcpPacket(Uint8Array.from([0x80, 224]))).toBe(false);
    expect(isRtcpPacket(Uint8Array.from([0x80]))).toBe(false);
  });
});

describe('rtpdump on the real Chromium fixtures', () => {
  it('reads the Chrome H.264 capture: version-2 RTP, RTCP flagged by plen, offsets in order', () => {
    const bytes = fixture('chrome-h264-720p.rtpdump');
    const dump = readRtpDump(bytes);
    expect(dump.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const rtp = dump.packets.filter((p) => !p.isRtcp);
    const rtcp = dump.packets.filter((p) => p.isRtcp);
    expect(rtp.length).toBeGreaterThan(100);
    expect(rtcp.length).toBeGreaterThan(0);
    expect(dump.packets.filter((p) => p.data[0] >> 6 !== 2)).toEqual([]);
    expect(dump.packets.filter((p) => isRtcpPacket(p.data) !== p.isRtcp)).toEqual([]);
    const payloadTypes = new Set(rtp.map((p) => p.data[1] & 0x7f));
    const answer = readFileSync(fileURLToPath(new URL('../../fixtures/chrome/rtp/chrome-h264-opus.answer.sdp', import.meta.url)), 'utf8');
    for (const pt of payloadTypes) expect(answer).toContain(`a=rtpmap:${pt} H264/90000`);
    const backwards = dump.packets.filter((p, i) => i > 0 && p.offsetMs < dump.packets[i - 1].offsetMs);
    expect(backwards).toEqual([]);
    expect(Buffer.compare(writeRtpDump({ ...dump, packets: dump.packets }), bytes)).toBe(0);
  });

  it('reads the Chrome Opus capture with every RTP packet on one SSRC', () => {
    const dump = readRtpDump(fixture('chrome-opus.rtpdump'));
    const rtp = dump.packets.filter((p) => !p.isRtcp);
    expect(rtp.length).toBeGreaterThan(100);
    const ssrcs = new Set(rtp.map((p) => new DataView(p.data.buffer, p.data.byteOffset).getUint32(8)));
    expect(ssrcs.size).toBe(1);
  });

  it('reads the feedback dump as RTCP only, holding transport and payload-specific feedback', () => {
    const dump = readRtpDump(fixture('chrome-rtcp-feedback.rtpdump'));
    expect(dump.packets.length).toBeGreaterThan(10);
    const types = new Set<number>();
    for (const p of dump.packets) {
      expect(p.isRtcp).toBe(true);
      for (let at = 0; at + 4 <= p.data.length; at += (((p.data[at + 2] << 8) | p.data[at + 3]) + 1) * 4) types.add(p.data[at + 1]);
    }
    expect(types).toContain(201);
    expect(types).toContain(205);
    expect(types).toContain(206);
  });
});

describe('rtpdump reader errors carry byte offsets', () => {
  const good = writeRtpDump({ address: '192.0.2.2', port: 5004, startSec: 5, packets: sample });
  const hdr = headerStart(good);

  it('rejects a bad magic at the first differing byte', () => {
    const bad = good.slice();
    bad[3] = 0x41;
    expectRtpDumpError(bad, 3, /bad magic/);
    expectRtpDumpError(new Uint8Array(0), 0, /truncated/);
  });

  it('rejects a first line without newline, address or valid port', () => {
    expectRtpDumpError(new TextEncoder().encode('#!rtpplay1.0 192.0.2.2/5004'), 27, /no newline/);
    expectRtpDumpError(new TextEncoder().encode('#!rtpplay1.0 192.0.2.2\n'), 13, /address\/port/);
    expectRtpDumpError(new TextEncoder().encode('#!rtpplay1.0 300.0.2.2/1\n'), 13, /bad address/);
    expectRtpDumpError(new TextEncoder().encode('#!rtpplay1.0 1.2.3.4/99999\n'), 21, /bad port/);
  });

  it('rejects a truncated RD_hdr_t at its start', () => {
    expectRtpDumpError(good.subarray(0, hdr + 10), hdr, /RD_hdr_t/);
  });

  it('rejects a truncated packet header or body at the record start', () => {
    const first = hdr + RTPDUMP_FILE_HEADER_BYTES;
    expectRtpDumpError(good.subarray(0, first + 5), first, /RD_packet_t/);
    expectRtpDumpError(good.subarray(0, first + 10), first, /past the end/);
  });

  it('rejects a record length below 8 and a plen that disagrees with it', () => {
    const first = hdr + RTPDUMP_FILE_HEADER_BYTES;
    const short = good.slice();
    new DataView(short.buffer).setUint16(first, 7);
    expectRtpDumpError(short, first, /below 8/);
    const mismatch = good.slice();
    new DataView(mismatch.buffer).setUint16(first + 2, 13);
    expectRtpDumpError(mismatch, first + 2, /plen 13/);
  });

  it('accepts a header-only record (plen above the stored length) and writes it back', () => {
    const cut = { offsetMs: 3, isRtcp: false, data: sample[0].data.subarray(0, 12), originalLength: 1200 };
    const bytes = writeRtpDump({ address: '192.0.2.2', port: 5004, startSec: 5, packets: [cut] });
    const dump = readRtpDump(bytes);
    expect(dump.packets).toEqual([{ offsetMs: 3, isRtcp: false, data: cut.data, originalLength: 1200 }]);
    expect(Buffer.compare(writeRtpDump({ ...dump, packets: dump.packets }), bytes)).toBe(0);
    expect(() => writeRtpDump({ address: '1.2.3.4', port: 1, startSec: 0, packets: [{ ...cut, originalLength: 5 }] })).toThrow(RangeError);
  });

  it('throws only RtpDumpError on every prefix of a real dump', () => {
    const bytes = fixture('chrome-rtcp-feedback.rtpdump');
    let rejected = 0;
    for (let n = 0; n < bytes.length; n += 7) {
      try {
        readRtpDump(bytes.subarray(0, n));
      } catch (error) {
        expect(error).toBeInstanceOf(RtpDumpError);
        expect((error as RtpDumpError).offset).toBeLessThanOrEqual(n);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('survives 3000 fuzz cases seeded from the real dumps', () => {
    const result = runFuzz(targets[0], { cases: 3000, seed: 7 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.rejected).toBeGreaterThan(0);
  });
});
