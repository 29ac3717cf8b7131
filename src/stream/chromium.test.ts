/**
 * `spell stream`'s server into real headless Chromium through its own viewer page: a Y4M file
 * and a WAV file (written here by the encoding module's writers) reach two viewers, and
 * pushed RGBA frames arrive with their stamps readable (frame number and capture time, so the
 * glass-to-glass latency is measured on the decoded picture). Small pictures on the shared
 * machine; run alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, type ChromiumSession } from '../../harness/chromium.js';
import { releaseNative } from '../../harness/native.js';
import { Streamer } from '../controls/index.js';
import { createI420Frame, drawStamp, PushedVideoSource, readStamp, toI420, WavFileSource, writeWav, writeY4m, Y4mFileSource } from '../encoding/index.js';
import { StreamServer } from './index.js';

let available = true;
try {
  findChromium();
} catch {
  available = false;
}

const dir = mkdtempSync(join(tmpdir(), 'stream-chromium-'));
const closers: (() => unknown)[] = [];
let session: ChromiumSession | undefined;
const WAIT_MS = 20_000;

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await session?.close();
  await releaseNative();
  rmSync(dir, { recursive: true, force: true });
});

interface Inbound {
  framesDecoded?: number;
  frameWidth?: number;
  frameHeight?: number;
  framesPerSecond?: number;
  packetsReceived?: number;
  totalAudioEnergy?: number;
  jitterBufferDelay?: number;
  jitterBufferEmittedCount?: number;
}

async function viewer(url: string): Promise<Page> {
  session ??= await launchChromium();
  const page = await session.newPage();
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __viewer?: { resource?: string; error?: string } }).__viewer?.resource || (window as unknown as { __viewer?: { error?: string } }).__viewer?.error, { timeout: WAIT_MS });
  const error = await page.evaluate(() => (window as unknown as { __viewer: { error?: string } }).__viewer.error);
  if (error) throw new Error(`viewer page: ${error}`);
  return page;
}

async function stats(page: Page): Promise<{ video?: Inbound; audio?: Inbound }> {
  return page.evaluate(async () => {
    const s = await (window as unknown as { __viewer: { stats(): Promise<{ video?: Inbound; audio?: Inbound }> } }).__viewer.stats();
    const pick = (r?: Inbound) => (r ? { framesDecoded: r.framesDecoded, frameWidth: r.frameWidth, frameHeight: r.frameHeight, framesPerSecond: r.framesPerSecond, packetsReceived: r.packetsReceived, totalAudioEnergy: r.totalAudioEnergy, jitterBufferDelay: r.jitterBufferDelay, jitterBufferEmittedCount: r.jitterBufferEmittedCount } : undefined);
    return { video: pick(s.video), audio: pick(s.audio) };
  });
}

async function waitFor(page: Page, ok: (s: { video?: Inbound; audio?: Inbound }) => boolean, what: string): Promise<{ video?: Inbound; audio?: Inbound }> {
  const until = Date.now() + WAIT_MS;
  let last: { video?: Inbound; audio?: Inbound } = {};
  while (Date.now() < until) {
    last = await stats(page);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last stats ${JSON.stringify(last)}`);
}

describe.skipIf(!available)('spell stream into Chromium', () => {
  it('a Y4M file and a WAV file stream to two Chromium viewers of one encode: the picture at the file size, its sound peaking at the tone', async () => {
    const frames = Array.from({ length: 30 }, (_, i) => {
      const f = createI420Frame(192, 128);
      for (let y = 0; y < 128; y++) f.y.fill((y * 2 + i * 8) & 255, y * 192, (y + 1) * 192);
      f.u.fill(100);
      f.v.fill(150);
      drawStamp(f, i, 0);
      return f;
    });
    const y4m = join(dir, 'clip.y4m');
    writeFileSync(y4m, writeY4m(frames, 15));
    const pcm = new Int16Array(48000);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / 48000));
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, writeWav(pcm, 48000, 1));
    const video = new Y4mFileSource(y4m, { loop: true });
    const streamer = new Streamer({ video: { width: 192, height: 128, frameRate: 15, bitrateBps: 300_000 }, source: video, audio: { source: new WavFileSource(wav, { loop: true }) }, workers: 1, keyframeIntervalS: 0 });
    const server = new StreamServer({ streamer, port: 0 });
    closers.push(() => server.close());
    const url = await server.start();
    const a = await viewer(url);
    const b = await viewer(url);
    closers.push(() => a.close(), () => b.close());
    for (const p of [a, b]) {
      const s = await waitFor(p, (x) => (x.video?.framesDecoded ?? 0) >= 30 && (x.audio?.packetsReceived ?? 0) >= 50, '30 frames and 50 audio packets');
      expect(s.video).toMatchObject({ frameWidth: 192, frameHeight: 128 });
      // The decoded sound through Web Audio: the spectrum's peak is the file's 440 Hz tone.
      const peakHz = await p.evaluate(async () => {
        const v = document.getElementById('video') as HTMLVideoElement;
        const ctx = new AudioContext();
        await ctx.resume();
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 8192;
        ctx.createMediaStreamSource(v.srcObject as MediaStream).connect(analyser);
        await new Promise((r) => setTimeout(r, 1500));
        const bins = new Float32Array(analyser.frequencyBinCount);
        analyser.getFloatFrequencyData(bins);
        let best = 1;
        for (let i = 2; i < bins.length; i++) if (bins[i]! > bins[best]!) best = i;
        return { hz: (best * ctx.sampleRate) / analyser.fftSize, db: bins[best] };
      });
      expect(Math.abs(peakHz.hz - 440)).toBeLessThan(15);
      expect(peakHz.db).toBeGreaterThan(-60);
    }
    expect(server.viewerCount).toBe(2);
    expect(streamer.getStats().encodes).toBe(1);
    expect(video.stats().loops).toBeGreaterThanOrEqual(1);
    await server.close();
    expect(server.viewerCount).toBe(0);
  }, 90_000);

  it('pushed RGBA frames reach Chromium with their stamps readable: frame numbers in order, capture times giving the latency', async () => {
    const W = 320;
    const H = 192;
    const source = new PushedVideoSource({ width: W, height: H, frameRate: 30 });
    const streamer = new Streamer({ video: { width: W, height: H, frameRate: 30, bitrateBps: 600_000 }, source, audio: false, workers: 1, keyframeIntervalS: 1 });
    const server = new StreamServer({ streamer, port: 0 });
    closers.push(() => server.close());
    const url = await server.start();
    // RGBA pictures: grey background and the stamp drawn in I420 then turned to grey RGB.
    const i420 = createI420Frame(W, H);
    const rgba = new Uint8Array(W * H * 4);
    let n = 0;
    const push = () => {
      i420.y.fill(126);
      drawStamp(i420, n, Date.now());
      for (let p = 0; p < W * H; p++) {
        const g = Math.max(0, Math.min(255, Math.round(((i420.y[p]! - 16) * 255) / 219)));
        rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = g;
        rgba[4 * p + 3] = 255;
      }
      source.push({ format: 'RGBA', width: W, height: H, data: rgba });
      n++;
    };
    const timer = setInterval(push, 33);
    closers.push(() => clearInterval(timer));
    const page = await viewer(url);
    closers.push(() => page.close());
    await waitFor(page, (x) => (x.video?.framesDecoded ?? 0) >= 20, '20 decoded frames');
    const stamps: { frame: number; latencyMs: number }[] = [];
    for (let i = 0; i < 20; i++) {
      const crop = await page.evaluate(() => {
        const v = document.getElementById('video') as HTMLVideoElement;
        const c = document.createElement('canvas');
        c.width = 64;
        c.height = 64;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(v, 0, 0, 64, 64, 0, 0, 64, 64);
        return { at: Date.now(), data: Array.from(ctx.getImageData(0, 0, 64, 64).data) };
      });
      const stamp = readStamp(toI420({ format: 'RGBA', width: 64, height: 64, data: Uint8Array.from(crop.data) }));
      if (stamp) stamps.push({ frame: stamp.frame, latencyMs: (crop.at >>> 0) - stamp.captureTimeMs });
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(stamps.length).toBeGreaterThanOrEqual(15);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]!.frame).toBeGreaterThanOrEqual(stamps[i - 1]!.frame);
    expect(stamps.at(-1)!.frame).toBeGreaterThan(stamps[0]!.frame);
    const latencies = stamps.map((s) => s.latencyMs).sort((x, y) => x - y);
    const median = latencies[Math.floor(latencies.length / 2)]!;
    // The picture on screen is at most a second old on a loaded 2-core machine.
    expect(median).toBeGreaterThan(0);
    expect(median).toBeLessThan(1000);
    const s = await stats(page);
    console.log(`chromium pushed RGBA ${W}x${H}: stamps read ${stamps.length}/20, latency median ${median} ms (max ${latencies.at(-1)} ms), ${s.video?.framesPerSecond ?? '?'} fps decoded`);
  }, 90_000);
});
