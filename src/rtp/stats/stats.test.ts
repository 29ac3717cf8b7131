import { describe, expect, it } from 'vitest';
import { ReceiverStatistics } from './receiver.js';
import { SenderStatistics } from './sender.js';
import { computeRtt, computeRttMs } from './rtt.js';
import { compactNtpFromUnixMs, ntpFromUnixMs, ntpMiddle, unixMsFromNtp } from './ntp.js';
import { RetransmissionBuffer } from './retransmission-buffer.js';
import { GenericNack } from '../rtcp/nack.js';
import { parseRtcp, serializeRtcp } from '../rtcp/compound.js';
import { ReceiverReport } from '../rtcp/receiver-report.js';
import type { SenderReport } from '../rtcp/sender-report.js';
import { RtpPacketBuilder } from '../rtp-builder.js';

/** Feed `seqs` to a fresh receiver, one packet per 20 ms with 960-tick timestamps. */
function receive(seqs: number[], stats = new ReceiverStatistics({ ssrc: 1, clockRate: 48_000 })): ReceiverStatistics {
  seqs.forEach((seq, i) => stats.onPacket(seq & 0xffff, (seq * 960) >>> 0, i * 20));
  return stats;
}
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('ReceiverStatistics (RFC 3550 A.1, A.3, A.8)', () => {
  it('keeps a new source on probation until MIN_SEQUENTIAL packets arrive in sequence', () => {
    const stats = new ReceiverStatistics({ ssrc: 1, clockRate: 48_000 });
    expect(stats.onPacket(100, 0, 0)).toBe(false);
    expect(stats.expected).toBe(0);
    expect(stats.onPacket(102, 0, 20)).toBe(false); // out of sequence: probation restarts
    expect(stats.onPacket(103, 0, 40)).toBe(true);
    expect(stats.received).toBe(1);
    expect(stats.extendedHighestSequence).toBe(103);
  });

  it('counts cycles across the sequence number wrap in the extended highest sequence', () => {
    const stats = receive(range(65530, 20));
    expect(stats.extendedHighestSequence).toBe(65536 + 13);
    expect(stats.cumulativeLost).toBe(0);
    expect(stats.received).toBe(19);
  });

  it('reports cumulative loss and the fraction lost per interval', () => {
    const seqs = range(1, 101).filter((s) => s % 10 !== 5); // 10 lost of 100 after probation
    const stats = receive(seqs);
    const first = stats.makeReportBlock(0);
    expect(first.cumulativeLost).toBe(10);
    // expected 100 (seq 2..101), lost 10: floor(10 * 256 / 100)
    expect(first.fractionLost).toBe(25);
    receive(range(102, 50), stats);
    const second = stats.makeReportBlock(0);
    expect(second.fractionLost).toBe(0);
    expect(second.cumulativeLost).toBe(10);
    expect(second.extendedHighestSequence).toBe(151);
  });

  it('lets duplicates drive cumulative loss negative and the fraction lost to zero', () => {
    const stats = receive([1, 2, 3, 3, 3, 4]);
    expect(stats.cumulativeLost).toBe(-2);
    expect(stats.makeReportBlock(0).fractionLost).toBe(0);
  });

  it('treats a single large jump as bad and two in sequence as a restart', () => {
    const stats = receive(range(1, 10));
    expect(stats.onPacket(40_000, 0, 200)).toBe(false);
    expect(stats.onPacket(40_001, 0, 220)).toBe(true);
    expect(stats.extendedHighestSequence).toBe(40_001);
    expect(stats.received).toBe(1);
  });

  it('computes interarrival jitter as J += (|D| - J) / 16 in timestamp units', () => {
    const stats = new ReceiverStatistics({ ssrc: 1, clockRate: 48_000 });
    // 20 ms packets; arrivals alternate 0 and 5 ms late: |D| = 5 ms = 240 ticks
    for (let i = 0; i < 4; i++) stats.onPacket(i, i * 960, i * 20 + (i % 2) * 5);
    // probation swallows packet 0; D is first seen between packets 1 and 2
    expect(stats.jitter).toBeCloseTo(15 + (240 - 15) / 16, 9);
    const steady = new ReceiverStatistics({ ssrc: 1, clockRate: 90_000 });
    for (let i = 0; i < 50; i++) steady.onPacket(i, i * 3000, 1000 + i * (1000 / 30));
    expect(steady.jitter).toBeLessThan(1e-6);
  });

  it('ignores same-timestamp packets of one frame for jitter unless asked not to', () => {
    const feed = (perPacket: boolean) => {
      const s = new ReceiverStatistics({ ssrc: 1, clockRate: 90_000, jitterOnNewTimestampOnly: !perPacket });
      let seq = 0;
      for (let frame = 0; frame < 60; frame++) for (let k = 0; k < 5; k++) s.onPacket(seq++, frame * 3000, (frame * 1000) / 30 + k * 2);
      return s.jitter;
    };
    expect(feed(false)).toBeLessThan(1);
    expect(feed(true)).toBeGreaterThan(50);
  });

  it('echoes the last SR as LSR with DLSR in 1/65536 s', () => {
    const stats = receive(range(1, 5));
    const sender = new SenderStatistics({ ssrc: 1, clockRate: 48_000 });
    const sr = sender.makeSenderReport(Date.UTC(2030, 0, 1));
    stats.onSenderReport(sr, 1000);
    const block = stats.makeReportBlock(1500);
    expect(block.lastSenderReport).toBe(sr.ntpMiddle);
    expect(block.delaySinceLastSenderReport).toBe(32768);
  });
});

describe('NTP and RTT (RFC 3550 4, 6.4.1)', () => {
  it('converts Unix milliseconds to NTP and back', () => {
    const ms = Date.UTC(2026, 10, 21, 13, 48, 16, 250);
    const ntp = ntpFromUnixMs(ms);
    expect(ntp.seconds).toBe(ms / 1000 - 0.25 + 2_208_988_800);
    expect(ntp.fraction).toBe(0x40000000);
    expect(unixMsFromNtp(ntp.seconds, ntp.fraction)).toBe(ms);
    expect(ntpMiddle(0x12345678, 0x9abcdef0)).toBe(0x56789abc);
  });

  it('computes the RFC 3550 6.4.1 example: A 0xb7108000, LSR 0xb7052000, DLSR 0x00054000 give 6.125 s', () => {
    expect(computeRtt(0xb7108000, 0xb7052000, 0x00054000)).toBe(0x00062000);
    expect(computeRttMs(0xb7108000, 0xb7052000, 0x00054000)).toBe(6125);
    expect(computeRtt(0xb7108000, 0, 0x00054000)).toBeUndefined();
    expect(computeRtt(0x00001000, 0x00002000, 0)).toBeUndefined();
  });

  it('measures a 100 ms round trip through a real SR, a receiver report block and its RR bytes', () => {
    const t0 = Date.UTC(2026, 0, 1, 12);
    const sender = new SenderStatistics({ ssrc: 0xabc, clockRate: 90_000 });
    sender.onPacketSent(1000, 90_000, t0 - 10);
    const srBytes = serializeRtcp([sender.makeSenderReport(t0)]);
    const receiver = receive(range(1, 5), new ReceiverStatistics({ ssrc: 0xabc, clockRate: 90_000 }));
    receiver.onSenderReport(parseRtcp(srBytes)[0] as SenderReport, 50_000); // receiver's own clock
    const rrBytes = serializeRtcp([new ReceiverReport(0xdef, [receiver.makeReportBlock(50_000 + 237)])]);
    const [rr] = parseRtcp(rrBytes) as [ReceiverReport];
    const rtt = sender.onReportBlock(rr.reports[0], t0 + 50 + 237 + 50)!;
    expect(Math.abs(rtt - 100)).toBeLessThan(0.1);
    expect(sender.roundTripTimeMs).toBe(rtt);
  });

  it('maps wall-clock time to the RTP clock in sender reports', () => {
    const sender = new SenderStatistics({ ssrc: 1, clockRate: 90_000 });
    const t0 = Date.UTC(2026, 0, 1);
    sender.onPacketSent(500, 0xfffffff0, t0);
    sender.onPacketSent(700, 0xfffffff0, t0);
    const sr = sender.makeSenderReport(t0 + 1000);
    expect(sr.rtpTimestamp).toBe((0xfffffff0 + 90_000) >>> 0);
    expect(sr.packetCount).toBe(2);
    expect(sr.octetCount).toBe(1200);
    expect(unixMsFromNtp(sr.ntpSeconds, sr.ntpFraction)).toBe(t0 + 1000);
    expect(compactNtpFromUnixMs(t0 + 1000)).toBe(sr.ntpMiddle);
  });
});

describe('RetransmissionBuffer', () => {
  const packet = (seq: number) => new RtpPacketBuilder({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 10, ssrc: 5 }).toBytes(new Uint8Array(100 + (seq % 50)).fill(seq & 0xff));

  it('answers a NACK with the stored packets, byte for byte, in the NACK order', () => {
    const buffer = new RetransmissionBuffer({ capacity: 64 });
    for (let seq = 65500; seq < 65536 + 20; seq++) buffer.store(packet(seq & 0xffff));
    const nack = GenericNack.fromSequenceNumbers(1, 5, [65530, 65535, 0, 3]);
    const resent: Uint8Array[] = [];
    const answer = buffer.answerNack(nack, (p) => resent.push(p.slice()));
    expect(answer).toEqual({ resent: 4, missing: [] });
    expect(resent).toEqual([65530, 65535, 0, 3].map(packet));
  });

  it('forgets packets older than its capacity and reports them missing', () => {
    const buffer = new RetransmissionBuffer({ capacity: 16 });
    for (let seq = 0; seq < 40; seq++) buffer.store(packet(seq));
    expect(buffer.get(23)).toBeUndefined();
    expect(buffer.get(24)).toEqual(packet(24));
    const answer = buffer.answerNack(GenericNack.fromSequenceNumbers(1, 5, [10, 30, 50]), () => {});
    expect(answer).toEqual({ resent: 1, missing: [10, 50] });
  });

  it('refuses packets larger than a slot and capacities that are not powers of two', () => {
    const buffer = new RetransmissionBuffer({ capacity: 4, slotSize: 120 });
    expect(buffer.store(packet(49))).toBe(false);
    expect(buffer.store(packet(1))).toBe(true);
    expect(() => new RetransmissionBuffer({ capacity: 100 })).toThrow(RangeError);
  });
});
