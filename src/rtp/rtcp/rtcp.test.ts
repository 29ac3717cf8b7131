import { describe, expect, it } from 'vitest';
import { RtcpPacketConverter, TransportWideCC, RtcpHeader } from 'werift-rtp';
import { parseRtcp, serializeRtcp, type RtcpPacket } from './compound.js';
import { SenderReport } from './sender-report.js';
import { ReceiverReport } from './receiver-report.js';
import { SourceDescription } from './sdes.js';
import { Goodbye } from './bye.js';
import { GenericNack } from './nack.js';
import { PictureLossIndication } from './pli.js';
import { FullIntraRequest } from './fir.js';
import { ReceiverEstimatedMaxBitrate } from './remb.js';
import { TransportWideCcFeedback } from './twcc.js';
import { UnknownRtcpPacket } from './unknown.js';
import { RtcpParseError } from '../errors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function errorOf(bytes: Uint8Array): RtcpParseError {
  try {
    parseRtcp(bytes);
  } catch (e) {
    if (e instanceof RtcpParseError) return e;
    throw e;
  }
  throw new Error('parsed');
}

const block = { ssrc: 0x22222222, fractionLost: 64, cumulativeLost: -3, extendedHighestSequence: 0x0001ffff, jitter: 12, lastSenderReport: 0x12345678, delaySinceLastSenderReport: 0x00018000 };

describe('RTCP compound', () => {
  it('decodes a hand-assembled SR with one report block (RFC 3550 6.4.1)', () => {
    const bytes = hex(`81c8000c 11111111 e0000000 80000000 00015f90 0000000a 00000fa0
      22222222 40fffffd 0001ffff 0000000c 12345678 00018000`);
    const [sr] = parseRtcp(bytes) as [SenderReport];
    expect(sr.kind).toBe('sr');
    expect(sr.ssrc).toBe(0x11111111);
    expect(sr.ntpSeconds).toBe(0xe0000000);
    expect(sr.ntpFraction).toBe(0x80000000);
    expect(sr.ntpMiddle).toBe(0x00008000);
    expect(sr.rtpTimestamp).toBe(90_000);
    expect(sr.packetCount).toBe(10);
    expect(sr.octetCount).toBe(4000);
    expect(sr.reports).toEqual([block]);
    expect(toHex(serializeRtcp([sr]))).toBe(toHex(bytes));
  });

  it('decodes an RR, an SDES CNAME and a BYE with reason in one compound packet', () => {
    const rr = new ReceiverReport(0x01020304, [block]);
    const sdes = SourceDescription.cname(0x01020304, 'user@host');
    const bye = new Goodbye([0x01020304, 5], 'done');
    const bytes = serializeRtcp([rr, sdes, bye]);
    // SDES: header, SSRC, CNAME item (2 + 9 bytes), null, no extra padding needed -> 16 bytes
    expect(sdes.byteLength).toBe(20);
    const [a, b, c] = parseRtcp(bytes) as [ReceiverReport, SourceDescription, Goodbye];
    expect(a.reports).toEqual([block]);
    expect(b.getCname()).toBe('user@host');
    expect(b.getCname(0x01020304)).toBe('user@host');
    expect(c.ssrcs).toEqual([0x01020304, 5]);
    expect(c.reason).toBe('done');
    expect(bytes.length % 4).toBe(0);
  });

  it('parses SDES chunks whose CNAME fills the word exactly, so the null item takes a whole word', () => {
    // CNAME of 2 bytes: SSRC(4) + 1 + 1 + 2 = 8, then 4 null octets
    const bytes = hex('81ca0003 0000000a 01026162 00000000');
    const [sdes] = parseRtcp(bytes) as [SourceDescription];
    expect(sdes.getCname()).toBe('ab');
    expect(toHex(serializeRtcp([sdes]))).toBe(toHex(bytes));
  });

  it('expands a generic NACK into sequence numbers and builds the fewest entries from a list (RFC 4585 6.2.1)', () => {
    const bytes = hex('81cd0003 00000001 00000002 fffe 8005');
    const [nack] = parseRtcp(bytes) as [GenericNack];
    expect(nack.entries).toEqual([{ pid: 0xfffe, blp: 0x8005 }]);
    expect(nack.sequenceNumbers()).toEqual([0xfffe, 0xffff, 1, 0x000e]);
    const built = GenericNack.fromSequenceNumbers(1, 2, [1, 0xfffe, 0x000e, 0xffff, 1]);
    expect(built.entries).toEqual([{ pid: 0xfffe, blp: 0x8005 }]);
    expect(toHex(serializeRtcp([built]))).toBe(toHex(bytes));
    const spread = GenericNack.fromSequenceNumbers(1, 2, [100, 117, 118, 200]);
    expect(spread.entries).toEqual([{ pid: 100, blp: 0 }, { pid: 117, blp: 1 }, { pid: 200, blp: 0 }]);
    expect(spread.sequenceNumbers()).toEqual([100, 117, 118, 200]);
  });

  it('round-trips PLI (RFC 4585 6.3.1) and FIR (RFC 5104 4.3.1)', () => {
    const pli = new PictureLossIndication(7, 8);
    const fir = new FullIntraRequest(7, [{ ssrc: 8, sequenceNumber: 3 }, { ssrc: 9, sequenceNumber: 255 }]);
    const bytes = serializeRtcp([pli, fir]);
    expect(toHex(bytes.subarray(0, 12))).toBe('81ce000200000007' + '00000008');
    expect(toHex(bytes.subarray(12, 20))).toBe('84ce000600000007');
    const [p, f] = parseRtcp(bytes) as [PictureLossIndication, FullIntraRequest];
    expect([p.kind, p.senderSsrc, p.mediaSsrc]).toEqual(['pli', 7, 8]);
    expect(f.entries).toEqual(fir.entries);
    expect(f.mediaSsrc).toBe(0);
  });

  it('decodes REMB exponent and mantissa and its SSRC list (draft-alvestrand-rmcat-remb 2.2)', () => {
    // exp 3, mantissa 0x3ffff -> 262143 * 8 bps
    const bytes = hex('8fce0005 00000001 00000000 52454d42 010fffff 0000abcd');
    const [remb] = parseRtcp(bytes) as [ReceiverEstimatedMaxBitrate];
    expect(remb.bitrate).toBe(262143 * 8);
    expect(remb.ssrcs).toEqual([0xabcd]);
    expect(toHex(serializeRtcp([remb]))).toBe(toHex(bytes));
    expect(ReceiverEstimatedMaxBitrate.encodeBitrate(1_500_000)).toEqual({ exp: 3, mantissa: 187500 });
    const big = parseRtcp(serializeRtcp([new ReceiverEstimatedMaxBitrate(1, 2.5e9, [1, 2])]))[0] as ReceiverEstimatedMaxBitrate;
    expect(Math.abs(big.bitrate - 2.5e9) / 2.5e9).toBeLessThan(1e-5);
  });

  it('decodes transport-cc run-length, 1-bit and 2-bit chunks with small and large deltas', () => {
    // base 10, count 20, ref 0x000002 (128 ms), fb count 5
    // chunk 1: run length, status 1 (small), run 3      -> 0x2003
    // chunk 2: 1-bit vector 1 0 1 0 0 0 0 0 0 0 0 0 0 1 -> 0x8000 | 0b10100000000001 = 0xa801
    // chunk 3: 2-bit vector 2 0 1 0 0 0 0               -> 0xc000 | 0b10000100000000 = 0xe100
    // deltas: 3 small (1, 2, 3), 3 small (4, 5, 6), large -4 (0xfffc), small 7
    const bytes = hex('8fcd0008 00000001 00000002 000a0014 00000205 2003a801e100 010203 040506 fffc 07 00');
    const [fb] = parseRtcp(bytes) as [TransportWideCcFeedback];
    expect(fb.baseSequenceNumber).toBe(10);
    expect(fb.referenceTime).toBe(2);
    expect(fb.feedbackPacketCount).toBe(5);
    expect(fb.packets.length).toBe(20);
    const received = fb.results().filter((r) => r.received);
    expect(received.map((r) => r.sequenceNumber)).toEqual([10, 11, 12, 13, 15, 26, 27, 29]);
    expect(received.map((r) => r.delta)).toEqual([1, 2, 3, 4, 5, 6, -4, 7]);
    const times = fb.arrivalTimesUs();
    expect(times[0]).toBe(128_000 + 250);
    expect(times[18]).toBeUndefined();
    expect(times[19]).toBe(128_000 + (1 + 2 + 3 + 4 + 5 + 6 - 4 + 7) * 250);
  });

  it('writes transport-cc feedback that werift-rtp reads back identically', () => {
    const packets = Array.from({ length: 60 }, (_, i) => ({ received: i % 9 !== 4, delta: i % 9 === 4 ? 0 : i % 13 === 0 ? -20 : i % 11 === 0 ? 1000 : i % 5 }));
    for (let i = 20; i < 40; i++) packets[i] = { received: false, delta: 0 };
    const ours = new TransportWideCcFeedback(1, 2, 65530, -5, 9, packets);
    const bytes = serializeRtcp([ours]);
    const again = parseRtcp(bytes)[0] as TransportWideCcFeedback;
    expect(again.packets).toEqual(packets);
    expect(again.referenceTime).toBe(-5);
    const theirs = TransportWideCC.deSerialize(Buffer.from(bytes.subarray(4)), RtcpHeader.deSerialize(Buffer.from(bytes.subarray(0, 4))));
    expect(theirs.packetStatusCount).toBe(60);
    // werift's packetResults skips status vector chunks, so compare its decoded chunks instead
    const symbols = theirs.packetChunks
      .flatMap((c) => ('runLength' in c ? Array<number>(c.runLength).fill(c.packetStatus) : c.symbolList))
      .slice(0, 60);
    expect(symbols.map((s) => s !== 0)).toEqual(packets.map((p) => p.received));
    expect(theirs.recvDeltas.map((d) => d.delta)).toEqual(packets.filter((p) => p.received).map((p) => p.delta * 250));
    expect(symbols.filter((s) => s === 2).length).toBe(packets.filter((p) => p.received && (p.delta < 0 || p.delta > 255)).length);
  });

  it('keeps unknown packet types (APP, XR, other feedback) as raw bytes and skips past them', () => {
    const app = hex('80cc0002 00000001 6e616d65');
    const xr = hex('80cf0002 00000001 05000000');
    const pli = serializeRtcp([new PictureLossIndication(1, 2)]);
    const packets = parseRtcp(Uint8Array.from([...app, ...xr, ...pli]));
    expect(packets.map((p) => p.kind)).toEqual(['unknown', 'unknown', 'pli']);
    expect((packets[0] as UnknownRtcpPacket).packetType).toBe(204);
    expect(toHex(serializeRtcp(packets))).toBe(toHex(Uint8Array.from([...app, ...xr, ...pli])));
  });

  it('honours the padding bit on the last packet of a compound', () => {
    const rr = serializeRtcp([new ReceiverReport(9)]);
    const padded = Uint8Array.from([...rr.subarray(0, 2), 0x00, 0x02, ...rr.subarray(4), 0, 0, 0, 4]);
    padded[0] |= 0x20;
    const [parsed] = parseRtcp(padded) as [ReceiverReport];
    expect(parsed.ssrc).toBe(9);
    expect(parsed.extensions.length).toBe(0);
  });

  it('rejects malformed compounds with RtcpParseError carrying the failing byte offset', () => {
    expect(errorOf(hex('80c9')).offset).toBe(2);
    expect(errorOf(hex('40c90001 00000001')).offset).toBe(0);
    expect(errorOf(hex('80c90005 00000001')).offset).toBe(2);
    expect(errorOf(hex('80c90001 00000001 80c9')).offset).toBe(8);
    expect(errorOf(hex('81c90001 00000001')).offset).toBe(4); // RC=1 but no report block
    expect(errorOf(hex('a0c90001 00000000')).offset).toBe(7); // padding count 0
    expect(errorOf(hex('81ca0002 00000001 0105ab00')).offset).toBe(10); // SDES item overruns
    expect(errorOf(hex('8fce0003 00000001 00000000 52454d42')).offset).toBe(12); // REMB cut short
    expect(errorOf(hex('8fcd0005 00000001 00000002 00000003 00000000 2003 0000')).offset).toBe(24); // third delta missing
    expect(errorOf(hex('8fcd0005 00000001 00000002 00000001 00000000 6001 0000')).offset).toBe(20); // symbol 3
    expect(errorOf(new Uint8Array(0))).toBeInstanceOf(RangeError);
  });

  it('produces bytes werift-rtp decodes to the same SR, RR, NACK and REMB fields', () => {
    const packets: RtcpPacket[] = [
      new SenderReport(5, 0xe1234567, 0x89abcdef, 1234, 77, 88888, [block]),
      new ReceiverReport(6, [{ ...block, cumulativeLost: 1000 }]),
      new ReceiverEstimatedMaxBitrate(6, 1_000_000, [5]),
      // last: werift hands a NACK everything to the end of the compound
      GenericNack.fromSequenceNumbers(6, 5, [3, 4, 9]),
    ];
    const theirs = RtcpPacketConverter.deSerialize(Buffer.from(serializeRtcp(packets))) as unknown as Record<string, any>[];
    expect(theirs.length).toBe(4);
    expect(theirs[0].senderInfo.ntpTimestamp).toBe((0xe1234567n << 32n) | 0x89abcdefn);
    expect(theirs[0].senderInfo.octetCount).toBe(88888);
    expect(theirs[1].reports[0].packetsLost).toBe(1000);
    expect(theirs[1].reports[0].fractionLost).toBe(64);
    expect(Number(theirs[2].feedback.bitrate)).toBe(1_000_000);
    expect(theirs[3].feedback.lost).toEqual([3, 4, 9]);
  });
});
