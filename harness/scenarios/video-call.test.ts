/**
 * VideoCall against real headless Chromium: a Peer from src/peer connected to the receiver
 * page, fed with our own H.264 (SyntheticSource + H264Encoder, 320x240 at 10 fps so Chromium
 * presents every frame). The source deliberately leaves frames out and sends one twice: the
 * page's stamp readings must show exactly those gaps and repeats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H264Encoder, SyntheticSource } from '../../src/encoding/index.js';
import { findChromium, launchChromium, type ChromiumSession } from '../chromium.js';
import { releaseNative } from '../native.js';
import { receiverRates, VideoCall, type CallContext, type ReceiverSnapshot } from './video-call.js';

let available = true;
try {
  findChromium();
} catch {
  available = false;
}

const WIDTH = 320;
const HEIGHT = 240;
const FPS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const deferred: (() => unknown)[] = [];
const notes: string[] = [];
let session: ChromiumSession | undefined;
const ctx: CallContext = {
  chromium: async () => (session ??= await launchChromium()),
  note: (text) => notes.push(text),
  defer: (fn) => deferred.push(fn),
};

afterAll(async () => {
  for (const fn of deferred.reverse()) await fn();
  await session?.close();
  await releaseNative();
});

describe.skipIf(!available)('VideoCall to the Chromium receiver page', () => {
  let call: VideoCall;
  let first: ReceiverSnapshot;
  let last: ReceiverSnapshot;
  const sentNumbers: number[] = [];

  beforeAll(async () => {
    call = await VideoCall.open(ctx, { label: 'test', audio: true, peer: { bindAddress: '127.0.0.1' } });
    const source = new SyntheticSource({ width: WIDTH, height: HEIGHT, fps: FPS });
    const encoder = new H264Encoder({ width: WIDTH, height: HEIGHT, fps: FPS, keyInterval: 0 });
    let keyframe = false;
    // RTP time follows the sending (one frame interval per access unit), so Chromium's
    // playout schedule presents each unit; only the stamps carry the gaps and the repeat.
    let sent = 0;
    const rtpTime = () => (sent++ * 90_000) / FPS;
    call.peer.on('keyframeRequested', () => (keyframe = true));
    const send = (frame: ReturnType<SyntheticSource['next']>) => {
      const out = encoder.encode(frame, { keyframe });
      keyframe = false;
      call.peer.video!.sendAccessUnit(out.data, rtpTime());
      sentNumbers.push(frame.index);
    };
    first = await call.stats();
    // 12 frames, then 3 source frames left out, then 6 more of which the first goes twice.
    for (let i = 0; i < 12; i++) {
      send(source.next());
      await sleep(1000 / FPS);
    }
    for (let i = 0; i < 3; i++) source.next();
    const again = source.next();
    send(again);
    await sleep(1000 / FPS);
    // The same picture once more (an all-skip P frame showing the same stamp).
    const repeat = encoder.encode(again);
    call.peer.video!.sendAccessUnit(repeat.data, rtpTime());
    await sleep(1000 / FPS);
    for (let i = 0; i < 5; i++) {
      send(source.next());
      await sleep(1000 / FPS);
    }
    last = await call.waitFor((s) => (s.video?.framesDecoded ?? 0) >= 18, 5000, '18 decoded frames');
    await sleep(300);
  }, 60_000);

  it('connects a Peer to the page: H.264 decoded by Chromium at the size we sent, nothing lost on loopback', () => {
    expect(call.peer.connectionState).toBe('connected');
    expect(last.connectionState).toBe('connected');
    const v = last.video!;
    expect(v.ssrc).toBe(call.peer.video!.ssrc);
    expect([v.frameWidth, v.frameHeight]).toEqual([WIDTH, HEIGHT]);
    expect(v.packetsLost).toBe(0);
    expect(v.keyFramesDecoded).toBeGreaterThanOrEqual(1);
    expect(receiverRates(first, last).videoBitrateBps).toBeGreaterThan(0);
    expect(last.errors).toEqual([]);
  });

  it('the page reads every presented stamp: three left-out source frames count as skipped, the frame sent twice as repeated', async () => {
    const batch = await call.frames();
    const summary = call.frameSummary();
    expect(batch.width).toBe(WIDTH);
    expect(summary.unreadable).toBe(0);
    expect(summary.read).toBeGreaterThanOrEqual(18);
    expect(summary.lastFrame).toBe(sentNumbers[sentNumbers.length - 1]);
    expect(summary.skipped).toBe(3);
    expect(summary.repeated).toBe(1);
    expect(summary.resets).toBe(0);
  });

  it('capture-to-display latency comes from the stamped capture time: positive and under a second on loopback', () => {
    const s = call.frameSummary();
    expect(s.latencyP50).toBeGreaterThan(0);
    expect(s.latencyMax).toBeLessThan(1000);
    expect(s.latencyP95).toBeGreaterThanOrEqual(s.latencyP50);
  });

  it('hangUp closes the Peer and the page connection', async () => {
    await call.hangUp();
    expect(call.peer.closed).toBe(true);
    const s = await call.stats();
    expect(s.connectionState).toBe('none');
  });
});
