/**
 * `spell stream`'s viewer page in Debian's Firefox ESR (puppeteer over WebDriver BiDi). That
 * Firefox has no H.264 for WebRTC without the OpenH264 plugin it cannot download here, so the
 * page must read that from `RTCRtpReceiver.getCapabilities('video')`, say why there is no
 * picture, and play the sound. Skipped when firefox-esr is not installed.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseNative } from '../../harness/native.js';
import { Streamer } from '../controls/index.js';
import { WavFileSource, writeWav } from '../encoding/index.js';
import { StreamServer } from './index.js';

const FIREFOX = ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'stream-firefox-'));
const closers: (() => unknown)[] = [];
let browser: Browser | undefined;

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await browser?.close();
  await releaseNative();
  rmSync(dir, { recursive: true, force: true });
});

interface ViewerState {
  resource?: string;
  error?: string;
  h264: boolean;
  videoCodecs: string[];
}

describe.skipIf(!FIREFOX)('spell stream in Firefox', () => {
  it('Firefox without H.264 plays the WAV file and the page says why there is no picture', async () => {
    const pcm = new Int16Array(44100);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / 44100));
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, writeWav(pcm, 44100, 1));
    const streamer = new Streamer({ video: { width: 160, height: 96, frameRate: 15, bitrateBps: 200_000 }, audio: { source: new WavFileSource(wav, { loop: true }) }, workers: 1 });
    const server = new StreamServer({ streamer, port: 0 });
    closers.push(() => server.close());
    const url = await server.start();
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: {
        'media.peerconnection.ice.loopback': true,
        'media.peerconnection.ice.obfuscate_host_addresses': false,
        'media.autoplay.default': 0,
      },
    });
    const version = await browser.version();
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => {
      const v = (window as unknown as { __viewer?: ViewerState }).__viewer;
      return Boolean(v?.resource || v?.error);
    }, { timeout: 20_000 });
    const state = await page.evaluate(() => {
      const v = (window as unknown as { __viewer: ViewerState }).__viewer;
      return { resource: v.resource, error: v.error, h264: v.h264, videoCodecs: v.videoCodecs };
    });
    expect(state.error).toBeUndefined();
    const packets = async () =>
      page.evaluate(async () => {
        const s = await (window as unknown as { __viewer: { stats(): Promise<{ audio?: { packetsReceived?: number }; video?: { framesDecoded?: number } }> } }).__viewer.stats();
        const a = s.audio as { packetsReceived?: number; jitterBufferDelay?: number; jitterBufferEmittedCount?: number } | undefined;
        const jitterMs = a?.jitterBufferEmittedCount ? (1000 * (a.jitterBufferDelay ?? 0)) / a.jitterBufferEmittedCount : undefined;
        return { audio: a?.packetsReceived ?? 0, video: s.video?.framesDecoded ?? 0, jitterMs };
      });
    const until = Date.now() + 20_000;
    let got = await packets();
    while (got.audio < 100 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      got = await packets();
    }
    expect(got.audio).toBeGreaterThanOrEqual(100);
    const status = await page.$eval('#status', (e) => e.textContent ?? '');
    if (!state.h264) {
      expect(status).toContain('no H.264 receiver');
      expect(got.video).toBe(0);
    }
    console.log(`firefox ${version}: H.264 receiver ${state.h264 ? 'yes' : 'no'} (video codecs ${state.videoCodecs.join(', ')}); ${got.audio} audio packets, ${got.video} frames decoded, audio jitter buffer delay ${got.jitterMs?.toFixed(1) ?? '?'} ms; status "${status}"`);
  }, 90_000);
});
