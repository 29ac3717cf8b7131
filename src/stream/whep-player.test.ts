/**
 * The WHEP endpoint against a player nobody here wrote: `@eyevinn/webrtc-player` (MIT, npm),
 * type `whep`, bundled with esbuild into a page served from another origin than the endpoint
 * (so CORS is exercised too), in headless Chromium. Skipped, and said so, when the package is
 * not installed (it is a devDependency the lead adds: npm install -D @eyevinn/webrtc-player).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, servePage, type ChromiumSession } from '../../harness/chromium.js';
import { releaseNative } from '../../harness/native.js';
import { Streamer } from '../controls/index.js';
import { createI420Frame, WavFileSource, writeWav, writeY4m, Y4mFileSource } from '../encoding/index.js';
import { StreamServer } from './index.js';

const require = createRequire(import.meta.url);
let player: string | undefined;
try {
  player = require.resolve('@eyevinn/webrtc-player');
} catch {
  player = undefined;
}
let chromium = true;
try {
  findChromium();
} catch {
  chromium = false;
}

const dir = mkdtempSync(join(tmpdir(), 'whep-player-'));
const closers: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
let session: ChromiumSession | undefined;
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await session?.close();
  await releaseNative();
});

describe.skipIf(!player || !chromium)('an independent WHEP player', () => {
  it('@eyevinn/webrtc-player (type whep) plays our endpoint from another origin: frames decoded at our size', async () => {
    // What `spell stream --video clip.y4m --audio tone.wav` serves: a Y4M file and a WAV file streamed from disk.
    const frames = Array.from({ length: 30 }, (_, i) => {
      const f = createI420Frame(192, 128);
      for (let y = 0; y < 128; y++) f.y.fill((y * 2 + i * 8) & 255, y * 192, (y + 1) * 192);
      f.u.fill(100);
      f.v.fill(150);
      return f;
    });
    const y4m = join(dir, 'clip.y4m');
    writeFileSync(y4m, writeY4m(frames, 15));
    const pcm = new Int16Array(48000);
    for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / 48000));
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, writeWav(pcm, 48000, 1));
    const { build } = await import('esbuild');
    const bundle = await build({
      stdin: { contents: "import { WebRTCPlayer } from '@eyevinn/webrtc-player'; window.WebRTCPlayer = WebRTCPlayer;", resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
    });
    const streamer = new Streamer({
      video: { width: 192, height: 128, frameRate: 15, bitrateBps: 300_000 },
      source: new Y4mFileSource(y4m, { loop: true }),
      audio: { source: new WavFileSource(wav, { loop: true }) },
      workers: 1,
      keyframeIntervalS: 1,
    });
    const server = new StreamServer({ streamer, port: 0 });
    closers.push(() => server.close());
    const endpoint = new URL('/whep', await server.start()).href;
    const page = await servePage(`<!doctype html><html><body><video id="v" muted autoplay playsinline></video><script>${bundle.outputFiles[0]!.text}</script></body></html>`);
    closers.push(() => page.close());
    session ??= await launchChromium();
    const tab = await session.newPage();
    closers.push(() => tab.close());
    await tab.goto(page.url);
    await tab.evaluate(async (url) => {
      const w = window as unknown as { WebRTCPlayer: new (o: object) => { load(u: URL): Promise<void> }; player: unknown };
      const p = new w.WebRTCPlayer({ video: document.getElementById('v'), type: 'whep' });
      w.player = p;
      await p.load(new URL(url));
    }, endpoint);
    await tab.waitForFunction(() => {
      const v = document.getElementById('v') as HTMLVideoElement;
      return v.videoWidth === 192 && (v.getVideoPlaybackQuality?.().totalVideoFrames ?? 0) >= 15;
    }, { timeout: 20_000 });
    // The player was given the WAV's Opus track too.
    const kinds = await tab.evaluate(() => {
      const stream = (document.getElementById('v') as HTMLVideoElement).srcObject as MediaStream | null;
      return stream ? stream.getTracks().map((t) => t.kind).sort() : [];
    });
    expect(kinds).toEqual(['audio', 'video']);
    expect(server.viewerCount).toBe(1);
  }, 60_000);
});
