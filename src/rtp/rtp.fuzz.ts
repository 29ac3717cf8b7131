/**
 * Fuzz targets of the RTP module (engine: fuzz/engine.ts), seeded from Chrome's real packets
 * in fixtures/chrome/rtp. Each target also checks a property, failing with a plain Error
 * (never an expected typed error) when it does not hold.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { readRtpDump } from './rtpdump.js';
import { RtcpParseError, RtpParseError } from './errors.js';
import { H264Depacketizer } from './h264/depacketizer.js';
import { parseRtcp, serializeRtcp } from './rtcp/compound.js';
import { RtpPacketBuilder } from './rtp-builder.js';
import { RtpPacket } from './rtp-packet.js';

const dump = (name: string) => readRtpDump(readFileSync(new URL(`../../fixtures/chrome/rtp/${name}`, import.meta.url))).packets;
const h264 = dump('chrome-h264-720p.rtpdump');
const opus = dump('chrome-opus.rtpdump');
const feedback = dump('chrome-rtcp-feedback.rtpdump');
const h264Rtp = h264.filter((p) => !p.isRtcp).map((p) => p.data);

/**
 * Real packets with the header extensions the feedback session used (transport-cc id 3,
 * abs-send-time id 2, one-byte form) and a two-byte-form variant with padding: Chrome's own
 * media packets in the capture carry no extensions.
 */
function withExtensions(packet: Uint8Array, twoByte: boolean): Uint8Array {
  const view = RtpPacket.parse(packet);
  const builder = RtpPacketBuilder.from(view);
  builder.setExtension(3, Uint8Array.of(0x01, 0x02)).setExtension(2, Uint8Array.of(0x12, 0x34, 0x56));
  if (twoByte) {
    builder.setExtension(200, new Uint8Array(0));
    builder.paddingSize = 7;
  }
  return builder.toBytes(view.payload.slice(0, 64));
}

const rtpSeeds = [
  h264Rtp[0], // STAP-A (SPS, PPS)
  h264Rtp[1].slice(0, 200), // FU-A start, cut short
  h264Rtp[h264Rtp.length - 1].slice(0, 200),
  opus.find((p) => !p.isRtcp && p.data.length > 100)!.data,
  withExtensions(h264Rtp[0], false),
  withExtensions(h264Rtp[5], true),
];

/** Parse, read every field and extension, rebuild, and check the rebuilt packet says the same. */
function runRtp(input: Uint8Array): unknown {
  const p = RtpPacket.parse(input);
  const fields = [p.version, p.padding, p.marker, p.payloadType, p.sequenceNumber, p.timestamp, p.ssrc, p.csrcs, p.paddingSize];
  const extensions = p.getExtensions();
  for (const e of extensions) if (!p.hasExtension(e.id)) throw new Error(`extension ${e.id} listed but not found`);
  if (p.extensionForm === 'other') return fields;
  let rebuilt: RtpPacket;
  try {
    rebuilt = RtpPacket.parse(RtpPacketBuilder.from(p).toBytes(p.payload));
  } catch (e) {
    throw new Error(`rebuilt packet does not parse: ${String(e)}`);
  }
  const again = [rebuilt.version, rebuilt.padding, rebuilt.marker, rebuilt.payloadType, rebuilt.sequenceNumber, rebuilt.timestamp, rebuilt.ssrc, rebuilt.csrcs, rebuilt.paddingSize];
  if (!isDeepStrictEqual(fields, again)) throw new Error('rebuilt header differs');
  // RFC 8285 gives each id one element; a repeated id keeps its first value.
  const firstValues = (list: { id: number; data: Uint8Array }[]) => [...new Set(list.map((e) => e.id))].map((id) => [id, [...list.find((e) => e.id === id)!.data]]);
  if (!isDeepStrictEqual(firstValues(extensions), firstValues(rebuilt.getExtensions()))) throw new Error('rebuilt extensions differ');
  for (const e of extensions) if (!Buffer.from(p.getExtension(e.id)!).equals(Buffer.from(rebuilt.getExtension(e.id)!))) throw new Error('getExtension differs after rebuild');
  if (!Buffer.from(p.payload).equals(Buffer.from(rebuilt.payload))) throw new Error('rebuilt payload differs');
  return again;
}

/** Parse, write, parse: once normalised by one trip, a second trip must change nothing. */
function runRtcp(input: Uint8Array): unknown {
  const packets = parseRtcp(input);
  let once;
  let twice;
  try {
    once = parseRtcp(serializeRtcp(packets));
    twice = parseRtcp(serializeRtcp(once));
  } catch (e) {
    throw new Error(`written RTCP does not parse back: ${String(e)}`);
  }
  if (!isDeepStrictEqual(once, twice)) throw new Error('RTCP round trip is not stable');
  return twice;
}

/** Frame a packet sequence as [u16 length][packet]... so the mutator can reorder and cut it. */
export function frameSequence(packets: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(packets.reduce((n, p) => n + 2 + p.length, 0));
  let at = 0;
  for (const p of packets) {
    out[at] = p.length >> 8;
    out[at + 1] = p.length;
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return out;
}

/** Feed a framed packet sequence to a fresh depacketizer; malformed RTP headers are skipped. */
function runDepacketizer(input: Uint8Array): unknown {
  const depacketizer = new H264Depacketizer({ reorderWindow: 16, capacity: 256 });
  let frames = 0;
  let at = 0;
  while (at + 2 <= input.length) {
    const length = (input[at] << 8) | input[at + 1];
    const packet = input.subarray(at + 2, at + 2 + length);
    at += 2 + length;
    try {
      frames += depacketizer.push(packet).length;
    } catch (e) {
      if (!(e instanceof RtpParseError)) throw e;
    }
  }
  const flushed = depacketizer.flush();
  for (const f of flushed) if (f.complete && f.missingSeqs.length) throw new Error('a complete frame lists missing packets');
  return frames + flushed.length;
}

// Chrome's frames 0-1 (IDR + P), a run of P frames, and the same run with one packet lost
// and two swapped.
const frameStarts = h264Rtp.reduce<number[]>((starts, p, i) => (i === 0 || RtpPacket.parse(h264Rtp[i - 1]).marker ? [...starts, i] : starts), []);
const run = h264Rtp.slice(frameStarts[10], frameStarts[14]);
const damaged = [...run];
damaged.splice(2, 1);
[damaged[3], damaged[4]] = [damaged[4], damaged[3]];

export const targets: FuzzTarget[] = [
  {
    name: 'rtp.parse',
    seeds: rtpSeeds,
    run: runRtp,
    isExpectedError: (e) => e instanceof RtpParseError && Number.isInteger(e.offset),
  },
  {
    name: 'rtp.rtcp.parse',
    seeds: [...feedback.map((p) => p.data).filter((_, i) => i % 8 === 0), ...h264.filter((p) => p.isRtcp).slice(0, 2).map((p) => p.data)],
    run: runRtcp,
    isExpectedError: (e) => e instanceof RtcpParseError && Number.isInteger(e.offset),
  },
  {
    name: 'rtp.h264.depacketize',
    seeds: [frameSequence(h264Rtp.slice(0, frameStarts[2])), frameSequence(run), frameSequence(damaged)],
    run: runDepacketizer,
    isExpectedError: () => false,
  },
];
