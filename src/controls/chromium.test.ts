/**
 * The Streamer into real headless Chromium: two receiver pages (harness/pages/video-page.ts
 * through VideoCall, one browser) subscribed to one Streamer at 320x180. Chromium decodes what
 * we send, follows a size change made for one subscriber alone, and its RTCP fills our
 * statistics. Run it alone under `flock /tmp/heavy.lock` on the shared machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, type ChromiumSession } from '../../harness/chromium.js';
import { releaseNative } from '../../harness/native.js';
import { VideoCall, type CallContext, type InboundVideoStats, type ReceiverSnapshot } from '../../harness/scenarios/video-call.js';
import { Streamer } from './index.js';

let available = true;
try {
  findChromium();
} catch {
  available = false;
}

const deferred: (() => unknown)[] = [];
let session: ChromiumSession | undefined;
const ctx: CallContext = {
  chromium: async () => (session ??= await launchChromium()),
  note: () => undefined,
  defer: (fn) => deferred.push(fn),
};
const WAIT_MS = 15_000;

function video(s: ReceiverSnapshot): InboundVideoStats {
  if (!s.video) throw new Error('no inbound video yet');
  return s.video;
}

afterAll(async () => {
  for (const fn of deferred.reverse()) await fn();
  await session?.close();
  await releaseNative();
});

describe.skipIf(!available)('Streamer into Chromium', () => {
  let streamer: Streamer;
  let a: VideoCall;
  let b: VideoCall;

  beforeAll(async () => {
    streamer = new Streamer({ video: { width: 320, height: 180, frameRate: 30, bitrateBps: 400_000 }, workers: 1, keyframeIntervalS: 0 });
    deferred.push(() => streamer.close());
    const open = (label: string) =>
      VideoCall.open(ctx, {
        label,
        peer: { bindAddress: '127.0.0.1' },
        onPeer: (peer) => void streamer.subscribe(peer, { id: label }),
        onDropPeer: () => {
          if (streamer.subscriber(label)) streamer.unsubscribe(label);
        },
      });
    a = await open('a');
    b = await open('b');
    await streamer.start();
  }, 60_000);

  it('Chromium decodes both subscribers of one encode, then one alone at a new size while the other keeps its picture', async () => {
    for (const call of [a, b]) await call.waitFor((s) => (s.video?.framesDecoded ?? 0) >= 20 && s.video?.frameWidth === 320, WAIT_MS, '20 frames at 320 wide');
    expect(streamer.getStats().encodes).toBe(1);
    const aBefore = video(await a.stats());
    streamer.setVideo({ width: 640, height: 360 }, 'b');
    const bAfter = await b.waitFor((s) => s.video?.frameWidth === 640 && s.video.frameHeight === 360, WAIT_MS, 'b at 640x360');
    await a.waitFor((s) => (s.video?.framesDecoded ?? 0) >= aBefore.framesDecoded + 30, WAIT_MS, 'a goes on');
    const aAfter = video(await a.stats());
    expect(streamer.getStats().encodes).toBe(2);
    expect(aAfter.frameWidth).toBe(320);
    expect(aAfter.keyFramesDecoded).toBe(aBefore.keyFramesDecoded);
    expect(aAfter.freezeCount).toBe(aBefore.freezeCount);
    expect(aAfter.packetsLost).toBe(0);
    expect(video(bAfter).keyFramesDecoded).toBeGreaterThan(1);
  }, 40_000);

  it("Chromium's receiver reports fill the statistics: RTT, loss, jitter, frames sent against frames Chromium received", async () => {
    const until = Date.now() + WAIT_MS;
    // Chromium reports video every second, audio every 5 s (libwebrtc's RTCP intervals).
    // RTT needs a report that echoes one of our sender reports (LSR, RFC 3550 6.4.1): an early
    // audio report may carry none, so wait for RTT on both.
    while (streamer.getStats().subscribers.some((s) => s.video?.rttMs === undefined || !s.audio?.receiverReports || s.audio?.rttMs === undefined) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    // Our counters are read on both sides of Chromium's, so each bound below holds by
    // construction while frames keep flowing: what Chromium received by its reading is at most
    // what we had sent by the later reading, and at least what we had sent by the earlier one
    // minus what can be in flight on loopback.
    const ours = streamer.getStats();
    const chrome = video(await a.stats());
    const oursAfter = streamer.getStats();
    const sa = ours.subscribers.find((s) => s.id === 'a')!;
    const saAfter = oursAfter.subscribers.find((s) => s.id === 'a')!;
    expect(sa.video!.receiverReports).toBeGreaterThan(0);
    expect(sa.video!.rttMs).toBeGreaterThanOrEqual(0);
    expect(sa.video!.rttMs).toBeLessThan(100);
    expect(sa.video!.cumulativeLost).toBe(0);
    expect(sa.video!.jitterMs).toBeLessThan(100);
    expect(sa.audio!.receiverReports).toBeGreaterThan(0);
    expect(sa.audio!.rttMs).toBeGreaterThanOrEqual(0);
    // Chromium cannot have received more frames than we sent, nor many fewer (loopback).
    expect(chrome.framesReceived).toBeLessThanOrEqual(saAfter.video!.framesSent);
    expect(chrome.framesReceived).toBeGreaterThan(sa.video!.framesSent - 10);
    expect(sa.latency.estimatedEndToEndP50Ms).toBeCloseTo(sa.latency.captureToSendP50Ms! + sa.video!.rttMs! / 2, 6);
    expect(ours.total.maxRttMs).toBeGreaterThanOrEqual(sa.video!.rttMs!);
  }, 30_000);
});
