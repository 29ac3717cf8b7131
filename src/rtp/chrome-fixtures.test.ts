/**
 * Tests against Chrome's real RTP and RTCP (fixtures/chrome/rtp, captured by
 * harness/capture/capture-fixtures.ts; see fixtures/README.md). Expected counts come from the
 * capture's own observations in fixtures/chrome/manifest.json, made by a separate inspector.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRtpDump } from './rtpdump.js';
import { H264Depacketizer, type H264Frame } from './h264/depacketizer.js';
import { H264Packetizer } from './h264/packetizer.js';
import { nalUnitType } from './h264/nal.js';
import { OpusDepacketizer } from './opus/depacketizer.js';
import { OpusPacketizer } from './opus/packetizer.js';
import { RtpPacket } from './rtp-packet.js';
import { RtpPacketBuilder } from './rtp-builder.js';
import { parseRtcp, serializeRtcp, type RtcpPacket } from './rtcp/compound.js';
import type { TransportWideCcFeedback } from './rtcp/twcc.js';
import type { SenderReport } from './rtcp/sender-report.js';
import type { SourceDescription } from './rtcp/sdes.js';
import type { GenericNack } from './rtcp/nack.js';
import type { ReceiverReport } from './rtcp/receiver-report.js';
import type { ReceiverEstimatedMaxBitrate } from './rtcp/remb.js';
import { ReceiverStatistics } from './stats/receiver.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/chrome/${name}`, import.meta.url));
const manifest = JSON.parse(fixture('manifest.json').toString('utf8'));
const video = manifest.sessions.capture.video;
const feedbackSession = manifest.sessions.feedback;

const h264Dump = readRtpDump(fixture('rtp/chrome-h264-720p.rtpdump'));
const h264Packets = h264Dump.packets.filter((p) => !p.isRtcp);
const opusPackets = readRtpDump(fixture('rtp/chrome-opus.rtpdump')).packets.filter((p) => !p.isRtcp);
const feedbackDump = readRtpDump(fixture('rtp/chrome-rtcp-feedback.rtpdump'));

function depacketize(packets: Uint8Array[]): { frames: H264Frame[]; depacketizer: H264Depacketizer } {
  const depacketizer = new H264Depacketizer();
  const frames = packets.flatMap((p) => depacketizer.push(p));
  frames.push(...depacketizer.flush());
  return { frames, depacketizer };
}

describe("Chrome's real H.264 RTP", () => {
  it("depacketizes Chrome's real H.264 into complete access units, keyframe first with SPS and PPS", () => {
    const { frames, depacketizer } = depacketize(h264Packets.map((p) => p.data));
    const markers = h264Packets.filter((p) => RtpPacket.parse(p.data).marker).length;
    expect(frames.length).toBe(video.frames);
    expect(frames.length).toBe(markers);
    expect(frames.every((f) => f.complete)).toBe(true);
    expect(depacketizer.stats.lost).toBe(0);
    expect(frames[0].keyframe).toBe(true);
    expect(frames.filter((f) => f.keyframe).length).toBe(video.idrFrames);
    for (const f of frames.filter((f) => f.keyframe)) {
      const types = f.nalUnits.map(nalUnitType);
      expect(types.indexOf(7)).toBeGreaterThanOrEqual(0);
      expect(types.indexOf(8)).toBeGreaterThan(types.indexOf(7));
      expect(types.indexOf(5)).toBeGreaterThan(types.indexOf(8));
    }
    const counts: Record<string, number> = {};
    for (const nal of frames.flatMap((f) => f.nalUnits)) counts[nalUnitType(nal)] = (counts[nalUnitType(nal)] ?? 0) + 1;
    expect(counts).toEqual(video.nalTypeCounts);
    const sps = frames[0].nalUnits.find((n) => nalUnitType(n) === 7)!;
    expect(Buffer.from(sps.subarray(1, 4)).toString('hex')).toBe(video.spsProfileLevelIds[0]);
  });

  it('repacketizes the access units into exactly the packets Chrome sent, byte for byte', () => {
    const { frames } = depacketize(h264Packets.map((p) => p.data));
    const first = RtpPacket.parse(h264Packets[0].data);
    const packetizer = new H264Packetizer({ ssrc: first.ssrc, payloadType: first.payloadType, initialSequenceNumber: first.sequenceNumber, mtu: video.maxPacketBytes });
    const ours = frames.flatMap((f) => packetizer.packetizeToArray(f.nalUnits, f.timestamp));
    expect(ours.length).toBe(h264Packets.length);
    ours.forEach((packet, i) => expect(Buffer.from(packet).equals(Buffer.from(h264Packets[i].data))).toBe(true));
  });

  it("reassembles Chrome's stream reordered and flags only the frame that lost a fragment", () => {
    const packets = h264Packets.map((p) => p.data);
    const swapped = [...packets];
    for (let i = 0; i + 1 < swapped.length; i += 3) [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
    expect(depacketize(swapped).frames.every((f) => f.complete)).toBe(true);
    // drop a middle FU-A fragment (neither S nor E) about half way through
    const victim = packets.findIndex((p, i) => {
      const payload = RtpPacket.parse(p).payload;
      return i > packets.length / 2 && (payload[0] & 0x1f) === 28 && (payload[1] & 0xc0) === 0;
    });
    const victimSeq = RtpPacket.parse(packets[victim]).sequenceNumber;
    const { frames } = depacketize(swapped.filter((p) => p !== packets[victim]));
    expect(frames.length).toBe(video.frames);
    const broken = frames.filter((f) => !f.complete);
    expect(broken.length).toBe(1);
    expect(broken[0].missingSeqs).toEqual([victimSeq]);
    expect(broken[0].timestamp).toBe(RtpPacket.parse(packets[victim]).timestamp);
  });

  it('parses every RTP packet Chrome sent and rebuilds it byte for byte', () => {
    for (const { data } of [...h264Packets, ...opusPackets]) {
      const p = RtpPacket.parse(data);
      expect(p.byteLength).toBeLessThanOrEqual(video.maxPacketBytes);
      expect(Buffer.from(RtpPacketBuilder.from(p).toBytes(p.payload)).equals(Buffer.from(data))).toBe(true);
    }
  });

  it("keeps receiver statistics on Chrome's stream: nothing lost, highest sequence is the last one", () => {
    const stats = new ReceiverStatistics({ ssrc: video.ssrcs[0], clockRate: 90_000 });
    for (const { data, offsetMs } of h264Packets) {
      const p = RtpPacket.parse(data);
      stats.onPacket(p.sequenceNumber, p.timestamp, offsetMs);
    }
    const block = stats.makeReportBlock(h264Packets.at(-1)!.offsetMs);
    const last = RtpPacket.parse(h264Packets.at(-1)!.data).sequenceNumber;
    expect(block.cumulativeLost).toBe(0);
    expect(block.fractionLost).toBe(0);
    expect(block.extendedHighestSequence & 0xffff).toBe(last);
    expect(stats.received).toBe(h264Packets.length - 1); // the first packet is spent on probation
    expect(stats.jitterMs).toBeGreaterThan(0);
    expect(stats.jitterMs).toBeLessThan(100);
  });
});

describe("Chrome's real Opus RTP", () => {
  it('depacketizes one 20 ms Opus frame per packet with contiguous 48 kHz timestamps and a marker only on the first', () => {
    const depacketizer = new OpusDepacketizer();
    const frames = opusPackets.map((p) => depacketizer.push(p.data)!);
    expect(frames.length).toBe(manifest.sessions.capture.audio.rtpPackets);
    expect(frames.every((f) => f.samples === 960)).toBe(true);
    for (let i = 1; i < frames.length; i++) expect((frames[i].timestamp - frames[i - 1].timestamp) >>> 0).toBe(960);
    expect(frames.map((f) => f.talkspurtStart)).toEqual(frames.map((_, i) => i === 0));
    expect(depacketizer.stats).toEqual({ packets: frames.length, lost: 0, late: 0, malformed: 0 });
  });

  it('repacketizes the Opus frames into exactly the packets Chrome sent', () => {
    const first = RtpPacket.parse(opusPackets[0].data);
    const packetizer = new OpusPacketizer({ ssrc: first.ssrc, payloadType: first.payloadType, initialSequenceNumber: first.sequenceNumber, initialTimestamp: first.timestamp });
    for (const { data } of opusPackets) {
      const ours = packetizer.packetizeToBytes(RtpPacket.parse(data).payload);
      expect(Buffer.from(ours).equals(Buffer.from(data))).toBe(true);
    }
  });
});

describe("Chrome's real RTCP", () => {
  const feedback: RtcpPacket[] = feedbackDump.packets.flatMap((p) => parseRtcp(p.data));
  const offerSsrcs = [...fixture('rtp/chrome-rtcp-feedback.offer.sdp').toString('utf8').matchAll(/a=ssrc:(\d+) cname/g)].map((m) => Number(m[1]));

  it("parses Chrome's real RTCP feedback: RR, transport-cc, REMB, generic NACK and PLI", () => {
    const names: Record<string, string> = { rr: 'RR', pli: 'PSFB/PLI', twcc: 'RTPFB/TWCC', nack: 'RTPFB/NACK', remb: 'PSFB/REMB' };
    const counts: Record<string, number> = {};
    for (const p of feedback) counts[names[p.kind] ?? p.kind] = (counts[names[p.kind] ?? p.kind] ?? 0) + 1;
    expect(counts).toEqual(feedbackSession.rtcp);
    expect(feedbackDump.packets.length).toBe(feedbackSession.rtcpPackets);
    const kinds = [...new Set(feedback.map((p) => p.kind))].sort();
    expect(kinds).toEqual(['nack', 'pli', 'remb', 'rr', 'twcc']);
  });

  it("reads Chrome's transport-cc feedback as a gapless run of sequence numbers and feedback counts", () => {
    const twcc = feedback.filter((p): p is TransportWideCcFeedback => p.kind === 'twcc');
    for (let i = 1; i < twcc.length; i++) {
      expect(twcc[i].baseSequenceNumber).toBe((twcc[i - 1].baseSequenceNumber + twcc[i - 1].packets.length) & 0xffff);
      expect(twcc[i].feedbackPacketCount).toBe((twcc[i - 1].feedbackPacketCount + 1) & 0xff);
    }
    expect(new Set(twcc.map((t) => t.mediaSsrc)).size).toBe(1);
    expect(offerSsrcs).toContain(twcc[0].mediaSsrc);
    const received = twcc.flatMap((t) => t.packets).filter((p) => p.received).length;
    expect(received).toBeGreaterThan(0.95 * twcc.reduce((n, t) => n + t.packets.length, 0));
  });

  it("reads Chrome's NACKs, PLIs, REMBs and RRs about the streams it was sent", () => {
    const nacks = feedback.filter((p): p is GenericNack => p.kind === 'nack');
    for (const ssrc of offerSsrcs) {
      const asked = new Set(nacks.filter((n) => n.mediaSsrc === ssrc).flatMap((n) => n.sequenceNumbers()));
      // each replayed stream left out `dropped` packets on purpose
      expect([feedbackSession.replayTwcc.dropped, feedbackSession.replayRemb.dropped]).toContain(asked.size);
    }
    expect(feedback.filter((p) => p.kind === 'pli').map((p) => (p as { mediaSsrc: number }).mediaSsrc).sort()).toEqual([...offerSsrcs].sort());
    const rembs = feedback.filter((p): p is ReceiverEstimatedMaxBitrate => p.kind === 'remb');
    expect(rembs.every((r) => r.bitrate > 100_000 && r.ssrcs.every((s) => offerSsrcs.includes(s)))).toBe(true);
    const rrs = feedback.filter((p): p is ReceiverReport => p.kind === 'rr');
    const blocks = rrs.flatMap((r) => r.reports);
    expect(blocks.every((b) => offerSsrcs.includes(b.ssrc))).toBe(true);
    for (const ssrc of offerSsrcs) {
      const highest = blocks.filter((b) => b.ssrc === ssrc).map((b) => b.extendedHighestSequence);
      expect(highest).toEqual([...highest].sort((a, b) => a - b));
    }
  });

  it("re-serializes Chrome's RTCP byte for byte, except transport-cc chunk choices that decode the same", () => {
    for (const { data } of feedbackDump.packets) {
      const packets = parseRtcp(data);
      const again = serializeRtcp(packets);
      expect(again.length).toBe(data.length);
      if (packets.some((p) => p.kind === 'twcc')) expect(parseRtcp(again)).toEqual(packets);
      else expect(Buffer.from(again).equals(Buffer.from(data))).toBe(true);
    }
  });

  it("reads Chrome's sender reports: NTP and RTP time advance at 90 kHz, one CNAME throughout", () => {
    const compounds = h264Dump.packets.filter((p) => p.isRtcp).map((p) => parseRtcp(p.data));
    expect(compounds.length).toBe(video.rtcp.SR);
    const srs = compounds.map((c) => c.find((p): p is SenderReport => p.kind === 'sr')!);
    const cnames = new Set(compounds.map((c) => c.find((p): p is SourceDescription => p.kind === 'sdes')!.getCname(video.ssrcs[0])));
    expect(cnames.size).toBe(1);
    expect(srs.every((sr) => sr.ssrc === video.ssrcs[0])).toBe(true);
    const first = srs[0];
    const last = srs.at(-1)!;
    const seconds = last.ntpSeconds - first.ntpSeconds + (last.ntpFraction - first.ntpFraction) / 2 ** 32;
    const ticks = (last.rtpTimestamp - first.rtpTimestamp) >>> 0;
    expect(Math.abs(ticks / seconds - 90_000) / 90_000).toBeLessThan(0.01);
    expect(last.packetCount).toBeGreaterThan(first.packetCount);
  });
});
