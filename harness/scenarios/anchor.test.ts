/**
 * The latency anchor of video-720p30 against real headless Chromium: the page draws
 * SyntheticSource pictures, Chromium's own WebRTC H.264 encoder sends them to a second peer
 * connection, and the shared stamp watcher reads them on display. Both ways the page makes its
 * track (MediaStreamTrackGenerator, and the canvas fallback other browsers would take). In
 * Firefox ESR, which has no H.264 sender here, the anchor says why instead of measuring.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, type ChromiumSession } from '../chromium.js';
import { findFirefox, launchFirefox } from '../firefox.js';
import { anchorNote, runAnchor, type AnchorResult } from './anchor.js';
import type { FrameBatch } from './video-call.js';

let available = true;
try {
  findChromium();
} catch {
  available = false;
}

let firefox = true;
try {
  findFirefox();
} catch {
  firefox = false;
}

let session: ChromiumSession | undefined;
const deferred: (() => unknown)[] = [];
const ctx = {
  chromium: async () => (session ??= await launchChromium()),
  defer: (fn: () => unknown) => void deferred.push(fn),
};

afterAll(async () => {
  for (const fn of deferred.reverse()) await fn();
  await session?.close();
});

function expectMeasured(r: AnchorResult): asserts r is Extract<AnchorResult, { ok: true }> {
  if (!r.ok) throw new Error(`anchor not measured: ${r.reason}`);
}

describe.skipIf(!available)('the Chrome-to-Chrome latency anchor', () => {
  it('measures capture-to-display latency of Chromium H.264 on the synthetic pictures through MediaStreamTrackGenerator, and the note gives the ratio', async () => {
    const batches: FrameBatch[] = [];
    const r = await runAnchor(ctx, { width: 640, height: 360, frameRate: 30, bitrateBps: 1_000_000, windowSeconds: 2, force: 'generator', onBatch: (b) => batches.push(b) });
    expectMeasured(r);
    expect(r.path).toMatch(/MediaStreamTrackGenerator/);
    expect(r.codec).toMatch(/H264/i);
    for (const v of [r.latencyP50, r.latencyP95, r.latencyMax]) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    expect(r.latencyP50).toBeLessThanOrEqual(r.latencyP95);
    expect(r.read).toBeGreaterThan(10);
    expect(batches.flatMap((b) => b.latencies).length).toBe(r.read);
    expect(r.stats.sent?.frameWidth).toBe(640);
    const note = anchorNote({ latencyP50: 2 * r.latencyP50, latencyP95: r.latencyP95 }, r);
    expect(note).toContain(`Chrome to Chrome p50 ${r.latencyP50} ms, p95 ${r.latencyP95} ms`);
    expect(note).toContain('ratio ours / Chrome\'s: p50 2.00, p95 1.00');
  }, 60_000);

  it('measures it through the canvas fallback (captureStream) too', async () => {
    const r = await runAnchor(ctx, { width: 320, height: 240, frameRate: 15, bitrateBps: 500_000, windowSeconds: 2, force: 'canvas' });
    expectMeasured(r);
    expect(r.path).toMatch(/canvas/);
    expect(r.latencyP50).toBeGreaterThan(0);
    expect(Number.isFinite(r.latencyP95)).toBe(true);
    expect(r.read).toBeGreaterThan(5);
  }, 60_000);

  it('says why there is no anchor instead of failing when nothing readable arrives', async () => {
    const note = anchorNote({ latencyP50: 100, latencyP95: 120 }, { ok: false, reason: "RTCRtpSender.getCapabilities('video') lists VP8, VP9 and no H.264" });
    expect(note).toBe("latency anchor (Chrome to Chrome) not measured: RTCRtpSender.getCapabilities('video') lists VP8, VP9 and no H.264");
  });
});

describe.skipIf(!firefox)('the latency anchor in Firefox', () => {
  it('is not measured in a Firefox without an H.264 sender, with the reason read from the browser, and nothing throws', async () => {
    const fx = await launchFirefox();
    try {
      const r = await runAnchor({ chromium: async () => fx, defer: () => undefined }, { width: 320, height: 240, frameRate: 15, bitrateBps: 500_000, windowSeconds: 1 });
      const codecs = await (await fx.newPage()).evaluate(() => RTCRtpSender.getCapabilities('video')?.codecs.map((c) => c.mimeType) ?? []);
      if (codecs.some((c) => /h264/i.test(c))) {
        // A Firefox with OpenH264 measures it (through the canvas path when it has no generator).
        expect(r.ok).toBe(true);
      } else {
        expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^RTCRtpSender\.getCapabilities\('video'\) lists .*VP8.* and no H\.264$/) });
        expect(anchorNote({ latencyP50: 100, latencyP95: 120 }, r)).toMatch(/^latency anchor \(Chrome to Chrome\) not measured: .*no H\.264/);
      }
    } finally {
      await fx.close();
    }
  }, 60_000);
});
