/**
 * The WHEP endpoint against a player nobody here wrote: `@eyevinn/webrtc-player` (MIT, npm),
 * type `whep`, bundled with esbuild into a page served from another origin than the endpoint
 * (so CORS is exercised too), in headless Chromium. Skipped, and said so, when the package is
 * not installed (it is a devDependency the lead adds: npm install -D @eyevinn/webrtc-player).
 */
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, servePage, type ChromiumSession } from '../../harness/chromium.js';
import { releaseNative } from '../../harness/native.js';
import { Streamer } from '../controls/index.js';
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

const closers: (() => unknown)[] = [];
let session: ChromiumSession | undefined;
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await session?.close();
  await releaseNative();
});

describe.skipIf(!player || !chromium)('an independent WHEP player', () => {
  it('@eyevinn/webrtc-player (type whep) plays our endpoint from another origin: frames decoded at our size', async () => {
    const { build } = await import('esbuild');
    const bundle = await build({
      stdin: { contents: "import { WebRTCPlayer } from '@eyevinn/webrtc-player'; window.WebRTCPlayer = WebRTCPlayer;", resolveDir: process.cwd(), loader: 'js' },
      bundle: true,
      format: 'iife',
      platform: 'browser',
      write: false,
    });
    const streamer = new Streamer({ video: { width: 192, height: 128, frameRate: 15, bitrateBps: 300_000 }, workers: 1, keyframeIntervalS: 1 });
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
    expect(server.viewerCount).toBe(1);
  }, 60_000);
});
