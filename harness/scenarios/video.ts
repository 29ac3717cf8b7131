/**
 * Scenario `video-720p30`: a src/controls Streamer (SyntheticSource -> ParallelH264Encoder ->
 * src/rtp H.264 packetization, RFC 6184 -> src/peer) sends 1280x720 at 30 fps and 2.5 Mbit/s,
 * with Opus, into Chromium's receiver page (harness/pages/video-page.ts) through VideoCall.
 *
 * Checks, over the measurement window after a warm-up (encoder JIT, first IDR): Chromium's
 * inbound-rtp frameWidth x frameHeight; the median of its framesPerSecond samples (one per
 * second); framesDropped / framesReceived; freezeCount and packetsLost since the first decoded
 * frame; capture-to-display latency p95 from the page's stamp readings, and the share of
 * presented frames whose stamp was readable. Skipped and repeated frames (gaps and repeats in
 * the stamped frame numbers) are reported in the notes.
 *
 * After the window, with our call hung up, the anchor (anchor.ts): Chrome to Chrome on the same
 * SyntheticSource pictures and stamp, through the browser's own WebRTC H.264 encoder, for at
 * most ANCHOR_MAX_WINDOW_S and never longer than our window. Its latency p50/p95 and the ratio
 * ours / Chrome's are information (series `anchor_latency` and the closing note), not a check:
 * a browser that cannot run it gets a note saying why, and the scenario's verdict is unchanged.
 */
import { Streamer } from '../../src/controls/index.js';
import { atLeast, atMost, equals, percentile, round } from '../checks.js';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import type { Check, Scenario } from '../types.js';
import { ANCHOR_MAX_WINDOW_S, anchorNote, runAnchor, type AnchorResult } from './anchor.js';
import { receiverRates, VideoCall, type ReceiverSnapshot } from './video-call.js';

const POLL_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const videoScenario: Scenario = {
  name: 'video-720p30',
  requires: ['h264'],
  description:
    'Synthetic 1280x720 30 fps H.264 at 2.5 Mbit/s (our encoder, packetizer and peer, via the controls Streamer) with Opus into Chromium: ' +
    'inbound-rtp size, median fps, dropped frames, freezes, loss; capture-to-display latency and skipped/repeated frames from the picture stamp; ' +
    "then, as information, the same latency Chrome to Chrome (the same pictures and stamp through the browser's own H.264) and the ratio.",
  defaults: {
    duration: 30,
    thresholds: {
      width: 1280,
      height: 720,
      frameRate: 30,
      bitrateBps: 2_500_000,
      keyframeIntervalS: 0,
      warmupSeconds: 3,
      minMedianFps: 29,
      maxDroppedRatio: 0.01,
      maxFreezes: 0,
      maxPacketsLost: 0,
      maxLatencyP95Ms: 400,
      maxUnreadableRatio: 0.01,
    },
  },
  thresholdDocs: {
    width: 'width sent, and expected as Chromium frameWidth',
    height: 'height sent, and expected as Chromium frameHeight',
    frameRate: 'frame rate sent',
    bitrateBps: 'target bitrate of the encoder, bit/s',
    keyframeIntervalS: "the Streamer's periodic IDR interval, seconds (0: an IDR only when Chromium asks, by PLI or FIR)",
    warmupSeconds: 'seconds after the first decoded frame that the window checks leave out',
    minMedianFps: 'median of Chromium inbound-rtp framesPerSecond over the window',
    maxDroppedRatio: 'framesDropped / framesReceived over the window',
    maxFreezes: 'freezeCount since the first decoded frame',
    maxPacketsLost: 'packetsLost since the first decoded frame (loopback)',
    maxLatencyP95Ms: '95th percentile of capture-to-display latency over the window, ms (picture stamp)',
    maxUnreadableRatio: 'presented frames whose stamp the page could not read, over the window',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const width = th.width!;
    const height = th.height!;
    ctx.series('fps', 'frames/s', 'Chromium inbound framesPerSecond');
    ctx.series('encode_fps', 'frames/s', 'Frames encoded per second (Streamer)');
    ctx.series('bitrate', 'kbit/s', 'Video bitrate received by Chromium');
    ctx.series('latency', 'ms', 'Capture-to-display latency, median per second (picture stamp)');
    ctx.series('rtt', 'ms', 'Round-trip time from RTCP receiver reports (our sender)');
    ctx.series('jitter', 'ms', 'Chromium inbound-rtp video jitter');
    ctx.series('anchor_latency', 'ms', "Chrome to Chrome capture-to-display latency, median per second (same pictures and stamp, after our window)");

    const streamer = new Streamer({ video: { width, height, frameRate: th.frameRate!, bitrateBps: th.bitrateBps! }, audio: true, keyframeIntervalS: th.keyframeIntervalS! });
    const streamerErrors: string[] = [];
    streamer.on('error', (e) => streamerErrors.push(e.message));
    ctx.defer(() => streamer.close());

    ctx.progress('connecting');
    const call = await VideoCall.open(ctx, { label: 'video' });
    const subscriber = streamer.subscribe(call.peer, { id: 'chromium' });
    await streamer.start();
    ctx.progress('waiting for the first frame');
    const first = await call.waitFor((s) => (s.video?.framesDecoded ?? 0) > 0, CONNECT_TIMEOUT_MS, 'the first decoded frame');
    ctx.note(`first frame decoded ${ctx.elapsed().toFixed(2)} s into the scenario (${call.attempts} connection attempt(s)); ${call.browserVersion}`);

    const warmupEnd = performance.now() + th.warmupSeconds! * 1000;
    const end = performance.now() + Math.max(th.warmupSeconds! + 2, ctx.duration - ctx.elapsed()) * 1000;
    let prev = first;
    let windowStart: ReceiverSnapshot | undefined;
    const fpsSamples: number[] = [];
    while (performance.now() < end) {
      await sleep(Math.min(POLL_MS, Math.max(0, end - performance.now())));
      const s = await call.stats();
      const batch = await call.frames();
      for (const l of batch.latencies) if (l >= 0) subscriber.recordReceiverLatency(l);
      const r = receiverRates(prev, s);
      prev = s;
      const v = s.video;
      const rendition = streamer.getStats().renditions[0];
      const rtt = call.peer.video?.getStats().remote.roundTripTimeMs;
      if (v) {
        ctx.sample('fps', v.framesPerSecond);
        ctx.sample('jitter', v.jitter * 1000);
      }
      ctx.sample('bitrate', r.videoBitrateBps / 1000);
      if (batch.latencies.length) ctx.sample('latency', percentile(batch.latencies, 50));
      if (rtt !== undefined) ctx.sample('rtt', rtt);
      if (rendition) ctx.sample('encode_fps', rendition.framesPerSecond);
      const warm = performance.now() >= warmupEnd;
      if (warm && !windowStart) {
        windowStart = s;
        call.frameSummary(true);
      } else if (windowStart && v) {
        fpsSamples.push(v.framesPerSecond);
      }
      ctx.progress(warm ? 'measuring' : 'warming up', {
        fps: String(v?.framesPerSecond ?? '-'),
        'kbit/s': (r.videoBitrateBps / 1000).toFixed(0),
        'latency ms': batch.latencies.length ? String(percentile(batch.latencies, 50)) : '-',
      });
    }
    const last = prev;
    const frames = call.frameSummary();
    const stats = streamer.getStats();
    await streamer.stop();

    const v = last.video;
    const w0 = windowStart?.video;
    if (!v || !w0) throw new Error(`Chromium reported no inbound video over the window (state ${last.connectionState})`);
    const checks: Check[] = [];
    checks.push(equals('frame size', `${v.frameWidth}x${v.frameHeight}`, `${width}x${height}`, `decoder ${v.decoderImplementation || 'unknown'}`));
    const windowSeconds = (last.at - windowStart!.at) / 1000;
    const decodedRate = (v.framesDecoded - w0.framesDecoded) / windowSeconds;
    checks.push(atLeast('median framesPerSecond', percentile(fpsSamples, 50), th.minMedianFps!, 'frames/s',
      `${fpsSamples.length} samples over ${windowSeconds.toFixed(1)} s, min ${Math.min(...fpsSamples)}; ${round(decodedRate, 2)} frames decoded/s`));
    const received = v.framesReceived - w0.framesReceived;
    const dropped = v.framesDropped - w0.framesDropped;
    checks.push(atMost('framesDropped / framesReceived', received > 0 ? dropped / received : Number.NaN, th.maxDroppedRatio!, 'ratio', `${dropped} of ${received} frames`));
    checks.push(atMost('freezeCount', v.freezeCount - first.video!.freezeCount, th.maxFreezes!, undefined, `total freezes ${v.totalFreezesDuration.toFixed(3)} s`));
    checks.push(atMost('packetsLost', v.packetsLost - first.video!.packetsLost, th.maxPacketsLost!, 'packets', `${v.packetsReceived} received, ${v.nackCount} NACKs, ${v.pliCount} PLIs`));
    checks.push(atMost('capture-to-display latency p95', frames.latencyP95, th.maxLatencyP95Ms!, 'ms',
      `p50 ${frames.latencyP50} ms, p95 ${frames.latencyP95} ms, max ${frames.latencyMax} ms over ${frames.read} stamps`));
    const presented = frames.read + frames.unreadable;
    checks.push(atMost('unreadable stamps', presented > 0 ? frames.unreadable / presented : Number.NaN, th.maxUnreadableRatio!, 'ratio', `${frames.unreadable} of ${presented} presented frames`));

    const rendition = stats.renditions[0];
    ctx.note(`window ${windowSeconds.toFixed(1)} s: latency p50 ${frames.latencyP50} ms, p95 ${frames.latencyP95} ms, max ${frames.latencyMax} ms; ` +
      `${frames.skipped} frame numbers skipped (Chromium presented ${frames.missedCallbacks} frames without a frame callback, which show as skipped), ` +
      `${frames.repeated} repeated, ${frames.unreadable} unreadable of ${presented} read, ${frames.notReady} callbacks before the element had data; ` +
      `reading a stamp took the page ${presented ? (frames.readMs / presented).toFixed(2) : '-'} ms per frame`);
    if (rendition) {
      ctx.note(`encoder: ${rendition.framesEncoded} frames (${rendition.keyframesEncoded} IDR), ${rendition.framesSkipped} capture ticks skipped behind real time, ` +
        `encode p50 ${rendition.encodeP50Ms?.toFixed(1) ?? '-'} ms, p95 ${rendition.encodeP95Ms?.toFixed(1) ?? '-'} ms, ${rendition.framesCpuRelief} with CPU relief`);
    }
    ctx.note(`Chromium: ${v.framesDecoded} decoded, ${v.keyFramesDecoded} key frames, decode ${v.framesDecoded ? ((v.totalDecodeTime / v.framesDecoded) * 1000).toFixed(2) : '-'} ms/frame, ` +
      `jitter buffer ${v.jitterBufferEmittedCount ? ((v.jitterBufferDelay / v.jitterBufferEmittedCount) * 1000).toFixed(1) : '-'} ms/frame, RTT ${last.rttMs ?? '-'} ms (ICE)`);
    if (last.audio) ctx.note(`audio: ${last.audio.packetsReceived} packets, ${last.audio.packetsLost} lost, ${last.audio.concealedSamples} of ${last.audio.totalSamplesReceived} samples concealed`);
    if (streamerErrors.length) ctx.note(`streamer errors: ${streamerErrors.slice(0, 3).join('; ')}`);
    if (last.errors.length) ctx.note(`page errors: ${last.errors.slice(0, 3).join('; ')}`);

    // The anchor, after our window and with our call hung up, so that it does not disturb it.
    await call.hangUp();
    ctx.progress('anchor: Chrome to Chrome');
    let anchor: AnchorResult;
    try {
      anchor = await runAnchor(ctx, {
        width,
        height,
        frameRate: th.frameRate!,
        bitrateBps: th.bitrateBps!,
        windowSeconds: Math.max(1, Math.min(ANCHOR_MAX_WINDOW_S, windowSeconds)),
        onBatch: (b) => {
          if (b.latencies.length) ctx.sample('anchor_latency', percentile(b.latencies, 50));
          ctx.progress('anchor: Chrome to Chrome', { 'latency ms': b.latencies.length ? String(percentile(b.latencies, 50)) : '-' });
        },
      });
    } catch (error) {
      anchor = { ok: false, reason: `the anchor page failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    ctx.note(anchorNote({ latencyP50: frames.latencyP50, latencyP95: frames.latencyP95 }, anchor));
    return checks;
  },
};
