/**
 * Scenario `reverse`: Chromium sends its fake camera as H.264 (RFC 6184, packetization-mode
 * 1) to a node-datachannel peer holding a RecvOnly video track with no media handler; raw
 * RTP arrives through `track.onMessage` and our `H264Depacketizer` (src/rtp) reassembles
 * access units. Checks: complete access units per second against Chromium's own
 * outbound-rtp `framesEncoded` rate, no incomplete unit on loopback, the first unit an IDR
 * with SPS and PPS, and the SPS picture size (H.264 7.4.2.1.1) equal to the requested one.
 */
import { PeerConnection, Video, type Track } from 'node-datachannel';
import { H264Depacketizer, type H264Frame } from '../../src/rtp/index.js';
import { atLeast, atMost, equals, isTrue, round } from '../checks.js';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import { parseSps, type SpsInfo } from '../h264-sps.js';
import { closePeer } from '../native.js';
import { REVERSE_PAGE } from '../pages/reverse-page.js';
import type { Check, Scenario } from '../types.js';
import { connectWithRetry } from './negotiate.js';
import { openScenarioPage } from './page.js';

const H264_PT = 96;
/**
 * Offered fmtp: Constrained Baseline level 3.1, mode 1, and Chromium's start bitrate (the
 * raw track path sends no bandwidth feedback, so Chromium would stay near 300 kbps).
 */
const H264_FMTP = 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1;x-google-start-bitrate=1500';
const STATS_INTERVAL_MS = 1000;
const MIN_MEASURE_SECONDS = 2;
const NAL_SPS = 7;
const NAL_PPS = 8;

/** RFC 5761 section 4: RTCP packet types occupy 192..223 in the second byte. */
function isRtcp(b: Uint8Array): boolean {
  return b.length >= 2 && b[1]! >= 192 && b[1]! <= 223;
}

interface ChromeOutbound {
  framesEncoded: number;
  framesPerSecond: number;
  frameWidth: number;
  frameHeight: number;
  bytesSent: number;
  packetsSent: number;
  keyFramesEncoded: number;
  encoderImplementation: string;
  qualityLimitationReason: string;
  codec: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const reverseScenario: Scenario = {
  name: 'reverse',
  requires: ['h264'],
  description:
    "Chromium's fake camera as H.264 to a node-datachannel RecvOnly track (raw RTP, no media handler), reassembled by src/rtp " +
    "H264Depacketizer: complete access units per second vs Chromium's framesEncoded rate, first unit an IDR with SPS/PPS, SPS size.",
  defaults: {
    duration: 10,
    thresholds: { maxRateDeviation: 0.1, minCompleteRatio: 1, width: 1280, height: 720 },
  },
  thresholdDocs: {
    maxRateDeviation: "largest relative difference between complete access units per second and Chromium's framesEncoded rate",
    minCompleteRatio: 'share of reassembled access units that are complete',
    width: 'camera width asked of Chromium and expected in the SPS',
    height: 'camera height asked of Chromium and expected in the SPS',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const width = th.width!;
    const height = th.height!;
    ctx.series('fps', 'frames/s', 'Complete access units per second (Node)');
    ctx.series('chrome_fps', 'frames/s', "Chromium outbound framesPerSecond");
    ctx.series('bitrate', 'kbit/s', 'RTP bitrate received (Node)');

    const evaluate = await openScenarioPage(ctx, REVERSE_PAGE);

    // Everything in onMessage runs inside a node-datachannel callback: nothing may throw out of it.
    const attempt = async (n: number) => {
      const pc = new PeerConnection(`conform-reverse-${n}`, { iceServers: [] });
      const video = new Video('video', 'RecvOnly');
      video.addH264Codec(H264_PT, H264_FMTP);
      const track: Track = pc.addTrack(video);
      ctx.defer(() => closePeer(pc, [track]));
      const rx = { depacketizer: new H264Depacketizer(), frames: [] as { at: number; frame: H264Frame }[], rtpBytes: 0, rtcpPackets: 0, errors: [] as string[] };
      track.onMessage((msg) => {
        try {
          if (isRtcp(msg)) {
            rx.rtcpPackets++;
            return;
          }
          rx.rtpBytes += msg.length;
          const at = performance.now();
          for (const frame of rx.depacketizer.push(new Uint8Array(msg.buffer, msg.byteOffset, msg.length))) rx.frames.push({ at, frame });
        } catch (e) {
          if (rx.errors.length < 10) rx.errors.push(e instanceof Error ? e.message : String(e));
        }
      });
      const gathered = new Promise<void>((resolve) => pc.onGatheringStateChange((s) => { if (s === 'complete') resolve(); }));
      pc.setLocalDescription();
      ctx.progress('gathering');
      await Promise.race([gathered, sleep(CONNECT_TIMEOUT_MS)]);
      const answer = await evaluate<{ answer: string; width: number; height: number; frameRate: number }>('answer', pc.localDescription()!.sdp, width, height);
      pc.setRemoteDescription(answer.answer, 'answer');
      ctx.note(`camera ${answer.width}x${answer.height} at ${answer.frameRate} fps as Chromium reported its settings`);
      return { pc, rx };
    };
    const { pc, rx } = await connectWithRetry(ctx, attempt);
    const { depacketizer, frames, errors: callbackErrors } = rx;
    ctx.progress('connecting');
    const deadline = performance.now() + CONNECT_TIMEOUT_MS;
    while (frames.length === 0 && performance.now() < deadline) await sleep(20);
    if (frames.length === 0) throw new Error(`no access unit arrived within ${CONNECT_TIMEOUT_MS} ms (${rx.rtpBytes} RTP bytes, state ${pc.state()})`);
    ctx.note(`first access unit after ${ctx.elapsed().toFixed(2)} s`);

    // Measurement window: from the first stats poll after the first unit to the last poll.
    const completeCount = () => frames.reduce((n, f) => n + (f.frame.complete ? 1 : 0), 0);
    const first = await evaluate<ChromeOutbound | null>('stats');
    if (!first) throw new Error('Chromium reports no outbound-rtp video');
    const t0 = performance.now();
    const c0 = completeCount();
    const measureMs = Math.max(MIN_MEASURE_SECONDS, ctx.duration - ctx.elapsed()) * 1000;
    let last = first;
    let lastT = t0;
    let lastC = c0;
    let lastBytes = rx.rtpBytes;
    while (performance.now() - t0 < measureMs) {
      await sleep(Math.min(STATS_INTERVAL_MS, measureMs - (performance.now() - t0)));
      const now = performance.now();
      const s = await evaluate<ChromeOutbound | null>('stats');
      const c = completeCount();
      const dt = (now - lastT) / 1000;
      if (dt > 0) {
        ctx.sample('fps', (c - lastC) / dt);
        ctx.sample('bitrate', ((rx.rtpBytes - lastBytes) * 8) / 1000 / dt);
      }
      if (s) {
        ctx.sample('chrome_fps', s.framesPerSecond);
        last = s;
      }
      ctx.progress('receiving', { fps: dt > 0 ? ((c - lastC) / dt).toFixed(1) : '-', 'chrome fps': String(s?.framesPerSecond ?? '-'), units: String(c) });
      lastT = now;
      lastC = c;
      lastBytes = rx.rtpBytes;
    }
    const seconds = (lastT - t0) / 1000;
    const ours = (lastC - c0) / seconds;
    const chrome = (last.framesEncoded - first.framesEncoded) / seconds;
    const deviation = chrome > 0 ? Math.abs(ours - chrome) / chrome : Number.POSITIVE_INFINITY;
    const checks: Check[] = [];
    checks.push(atMost('access unit rate vs Chromium framesEncoded rate', deviation, th.maxRateDeviation!, 'relative',
      `${round(ours, 2)} complete units/s vs ${round(chrome, 2)} encoded/s over ${seconds.toFixed(1)} s; Chromium framesPerSecond ${last.framesPerSecond}`));

    const stats = depacketizer.stats;
    const total = stats.completeFrames + stats.incompleteFrames;
    checks.push(atLeast('complete access units', total ? stats.completeFrames / total : 0, th.minCompleteRatio!, 'ratio',
      `${stats.completeFrames} complete, ${stats.incompleteFrames} incomplete, ${stats.lost} packets lost, ${stats.packets} packets`));

    const head = frames[0]!.frame;
    const types = head.nalUnits.map((n) => n[0]! & 0x1f);
    checks.push(isTrue('first access unit is an IDR with SPS and PPS', head.complete && head.keyframe && types.includes(NAL_SPS) && types.includes(NAL_PPS), `NAL types ${types.join(',')}`));

    const spsNal = head.nalUnits.find((n) => (n[0]! & 0x1f) === NAL_SPS);
    let sps: SpsInfo | undefined;
    let spsError: string | undefined;
    try {
      if (spsNal) sps = parseSps(spsNal);
    } catch (e) {
      spsError = e instanceof Error ? e.message : String(e);
    }
    const size = sps ? `${sps.width}x${sps.height}` : spsError ?? 'no SPS';
    checks.push(equals('SPS picture size', size, `${width}x${height}`, sps ? `profile-level-id ${sps.profileLevelId}; Chromium encodes ${last.frameWidth}x${last.frameHeight}` : undefined));
    checks.push(isTrue('no errors while receiving', callbackErrors.length === 0, callbackErrors.slice(0, 3).join('; ') || undefined));
    ctx.note(`Chromium encoder ${last.encoderImplementation || 'unknown'}, codec ${last.codec ?? 'unknown'}, quality limitation ${last.qualityLimitationReason || 'none'}, ${last.keyFramesEncoded} key frames`);
    ctx.note(`${stats.packets} RTP packets (${stats.duplicates} duplicate, ${stats.late} late), ${rx.rtcpPackets} RTCP packets from Chromium`);
    return checks;
  },
};
