/**
 * RTP module throughput versus werift-rtp 0.8.9, on Chrome's real H.264 stream
 * (fixtures/chrome/rtp/chrome-h264-720p.rtpdump: 99 access units, 312 RTP packets, 720p) and
 * Chrome's real RTCP feedback (chrome-rtcp-feedback.rtpdump). Figures in packets per second,
 * same input for both sides, plus bytes allocated per packet (V8 new-space growth).
 *   npm run bench -- rtp
 *
 * werift-rtp ships no H.264 packetizer (only the depacketizing H264RtpPayload), so the
 * packetizer baseline is the plain split a werift user writes: STAP-A/FU-A payloads built with
 * Buffer.concat and each packet serialized by werift's RtpPacket.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import {
  H264RtpPayload,
  RtcpPacketConverter,
  RtpHeader,
  RtpPacket as WeriftRtpPacket,
  dePacketizeRtpPackets,
} from 'werift-rtp';
import { readRtpDump } from '../src/rtp/index.js';
import { H264Depacketizer, H264Packetizer, RtpPacket, RtpPacketBuilder, parseRtcp, type H264Frame } from '../src/rtp/index.js';
import { measure, printComparison, type Measurement } from './lib.js';

const fixture = (name: string) => readRtpDump(readFileSync(new URL(`../fixtures/chrome/rtp/${name}`, import.meta.url))).packets;
const chrome = fixture('chrome-h264-720p.rtpdump').filter((p) => !p.isRtcp).map((p) => p.data);
const chromeBuffers = chrome.map((p) => Buffer.from(p));
const rtcp = fixture('chrome-rtcp-feedback.rtpdump').map((p) => p.data);
const rtcpBuffers = rtcp.map((p) => Buffer.from(p));

// The access units, recovered with our depacketizer (checked against Chrome's own packets in
// src/rtp/chrome-fixtures.test.ts).
const frames: H264Frame[] = [];
{
  const d = new H264Depacketizer();
  for (const p of chrome) frames.push(...d.push(p));
}
const framePackets = frames.map((f) => f.packets);
const packetsPerPass = chrome.length;

// Chrome's packets with the header extensions node-datachannel sends (transport-cc id 3,
// abs-send-time id 2), to time extension parsing too.
const withExt = chrome.map((p) => {
  const v = RtpPacket.parse(p);
  return RtpPacketBuilder.from(v).setExtension(3, Uint8Array.of(0, 1)).setExtension(2, Uint8Array.of(1, 2, 3)).toBytes(v.payload);
});
const withExtBuffers = withExt.map((p) => Buffer.from(p));

/** A measurement scaled from passes to packets. */
function perPacket(m: Measurement, n = packetsPerPass): Measurement {
  return { ...m, opsPerSecond: m.opsPerSecond * n };
}

/** V8 young-generation bytes allocated by one call of `fn`, over `runs` calls (no GC in between). */
function allocatedBytes(fn: () => void, runs = 5): number {
  const used = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;
  const samples: number[] = [];
  for (let attempt = 0; attempt < 50 && samples.length < runs; attempt++) {
    const baseA = used();
    const baseB = used();
    const probe = baseB - baseA; // cost of asking
    const before = used();
    fn();
    const after = used();
    if (after >= before) samples.push(after - before - probe); // a scavenge in between would make it shrink
  }
  samples.sort((a, b) => a - b);
  return Math.max(0, samples[Math.floor(samples.length / 2)] ?? NaN);
}

// Results land in a typed array: a plain `let` holding a large double would box a HeapNumber per
// update and show up as allocation.
const sink = new Float64Array(1);
const target = new Uint8Array(1500);

// 1. parse: header fields, payload and (second table) two extensions
const view = new RtpPacket();
const parseOurs = () => {
  for (const p of chrome) {
    view.wrap(p);
    sink[0] += view.sequenceNumber + view.timestamp + view.ssrc + view.payloadType + view.payloadLength + (view.marker ? 1 : 0);
  }
};
const parseTheirs = () => {
  for (const b of chromeBuffers) {
    const p = WeriftRtpPacket.deSerialize(b);
    sink[0] += p.header.sequenceNumber + p.header.timestamp + p.header.ssrc + p.header.payloadType + p.payload.length + (p.header.marker ? 1 : 0);
  }
};
const parseExtOurs = () => {
  for (const p of withExt) {
    view.wrap(p);
    sink[0] += view.sequenceNumber + view.getExtensionUint(3, 2)! + view.getExtensionUint(2, 3)! + view.payloadLength;
  }
};
const parseExtTheirs = () => {
  for (const b of withExtBuffers) {
    const p = WeriftRtpPacket.deSerialize(b);
    const ext = p.header.extensions;
    sink[0] += p.header.sequenceNumber + ext[0].payload.readUInt16BE(0) + ext[1].payload.readUIntBE(0, 3) + p.payload.length;
  }
};

// 2. parse + rewrite (new SSRC and sequence number, as a forwarder does) + serialize
const forwardOurs = () => {
  let seq = 0;
  for (const p of withExt) {
    view.wrap(p);
    view.ssrc = 0x1234;
    view.sequenceNumber = seq++;
    sink[0] += view.writeTo(target);
  }
};
const forwardTheirs = () => {
  let seq = 0;
  for (const b of withExtBuffers) {
    const p = WeriftRtpPacket.deSerialize(b);
    p.header.ssrc = 0x1234;
    p.header.sequenceNumber = seq++;
    sink[0] += p.serialize().length;
  }
};

// 3. build from fields + payload + serialize
const payloads = chrome.map((p) => RtpPacket.parse(p).payload);
const payloadBuffers = payloads.map((p) => Buffer.from(p));
const builder = new RtpPacketBuilder({ payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 0x1234 });
builder.setExtension(3, new Uint8Array(2));
const buildOurs = () => {
  for (let i = 0; i < payloads.length; i++) {
    builder.sequenceNumber = i;
    builder.timestamp = i * 3000;
    builder.marker = (i & 3) === 3;
    sink[0] += builder.writeTo(target, payloads[i]);
  }
};
const buildTheirs = () => {
  for (let i = 0; i < payloadBuffers.length; i++) {
    const header = new RtpHeader({ payloadType: 96, sequenceNumber: i, timestamp: i * 3000, ssrc: 0x1234, marker: (i & 3) === 3, extension: true, extensions: [{ id: 3, payload: Buffer.alloc(2) }] });
    sink[0] += new WeriftRtpPacket(header, payloadBuffers[i]).serialize().length;
  }
};

// 4. H.264 packetize: all access units, 1,200-byte MTU
const packetizer = new H264Packetizer({ ssrc: 0x1234, payloadType: 96, initialSequenceNumber: 0, mtu: 1200 });
const countBytes = (p: Uint8Array) => {
  sink[0] += p.length;
};
const nalBuffers = frames.map((f) => f.nalUnits.map((n) => Buffer.from(n)));
const packetizeOurs = () => {
  for (const f of frames) packetizer.packetize(f.nalUnits, f.timestamp, countBytes);
};
let weriftSeq = 0;
function weriftPacket(payload: Buffer, timestamp: number, marker: boolean): Buffer {
  const header = new RtpHeader({ payloadType: 96, sequenceNumber: weriftSeq++ & 0xffff, timestamp, ssrc: 0x1234, marker });
  return new WeriftRtpPacket(header, payload).serialize();
}
const packetizeTheirs = () => {
  const max = 1200 - 12;
  nalBuffers.forEach((nals, fi) => {
    const ts = frames[fi].timestamp;
    const out: Buffer[] = [];
    let group: Buffer[] = [];
    let groupSize = 1;
    const flush = () => {
      if (group.length === 1) out.push(group[0]);
      else if (group.length > 1) {
        const parts: Buffer[] = [Buffer.from([0x78])];
        for (const n of group) parts.push(Buffer.from([n.length >> 8, n.length & 0xff]), n);
        out.push(Buffer.concat(parts));
      }
      group = [];
      groupSize = 1;
    };
    for (const nal of nals) {
      if (nal.length > max) {
        flush();
        const fuIndicator = (nal[0] & 0xe0) | 28;
        for (let at = 1; at < nal.length; at += max - 2) {
          const end = Math.min(nal.length, at + max - 2);
          const fuHeader = (at === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | (nal[0] & 0x1f);
          out.push(Buffer.concat([Buffer.from([fuIndicator, fuHeader]), nal.subarray(at, end)]));
        }
      } else {
        if (groupSize + 2 + nal.length > max) flush();
        group.push(nal);
        groupSize += 2 + nal.length;
      }
    }
    flush();
    out.forEach((payload, i) => (sink[0] += weriftPacket(payload, ts, i === out.length - 1).length));
  });
};

// 5. H.264 depacketize: bytes in, access units out
const depacketizeOurs = () => {
  const d = new H264Depacketizer();
  for (const p of chrome) sink[0] += d.push(p).length;
};
const depacketizeTheirs = () => {
  let at = 0;
  for (const count of framePackets) {
    const packets = chromeBuffers.slice(at, at + count).map((b) => WeriftRtpPacket.deSerialize(b));
    at += count;
    sink[0] += dePacketizeRtpPackets('MPEG4/ISO/AVC', packets).data.length;
  }
};
void H264RtpPayload;

// 6. RTCP compound parse (Chrome's real feedback)
const rtcpOurs = () => {
  for (const p of rtcp) sink[0] += parseRtcp(p).length;
};
const rtcpTheirs = () => {
  for (const b of rtcpBuffers) sink[0] += RtcpPacketConverter.deSerialize(b).length;
};

const load = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(`RTP module vs werift-rtp 0.8.9, input: Chrome's real H.264 (${frames.length} access units, ${chrome.length} packets) and RTCP (${rtcp.length} compounds); load ${load}`);
const cases: [string, () => void, () => void, number][] = [
  ['RTP parse (header fields, payload)', parseOurs, parseTheirs, chrome.length],
  ['RTP parse with 2 header extensions (transport-cc, abs-send-time)', parseExtOurs, parseExtTheirs, chrome.length],
  ['RTP parse + rewrite SSRC/seq + serialize', forwardOurs, forwardTheirs, chrome.length],
  ['RTP build from fields + serialize', buildOurs, buildTheirs, chrome.length],
  ['H.264 packetize (MTU 1200; werift: no packetizer, plain split + RtpPacket.serialize)', packetizeOurs, packetizeTheirs, chrome.length],
  ['H.264 depacketize (werift: dePacketizeRtpPackets per frame, no reordering/loss detection)', depacketizeOurs, depacketizeTheirs, chrome.length],
  ['RTCP compound parse (Chrome feedback: RR, TWCC, REMB, NACK, PLI)', rtcpOurs, rtcpTheirs, rtcp.length],
];
for (const [title, ours, theirs, n] of cases) {
  const a = perPacket(measure('spellbook/rtp', ours, 1000), n);
  const b = perPacket(measure('werift-rtp', theirs, 1000), n);
  printComparison(title, a, b, 2, n === rtcp.length ? 'compounds/s' : 'packets/s');
  const bytesOurs = allocatedBytes(ours) / n;
  const bytesTheirs = allocatedBytes(theirs) / n;
  console.log(`  allocated per ${n === rtcp.length ? 'compound' : 'packet'}: ours ${bytesOurs.toFixed(0)} B, werift ${bytesTheirs.toFixed(0)} B`);
}
if (sink[0] === 42) console.log('');
