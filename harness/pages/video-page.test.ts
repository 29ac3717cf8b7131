/**
 * The receiver page's stamp reader (STAMP_READER_JS, canvas RGB) against src/encoding's
 * `readStamp` (I420 luma) on the same real pictures: SyntheticSource frames encoded by our
 * H264Encoder and decoded by Chromium's WebCodecs VideoDecoder. For each decoded VideoFrame
 * the page reads the stamp both ways it can read its <video> (the VideoFrame's luma, and
 * through a canvas), and copies the top rows of the luma plane back to Node, where
 * `readStamp` reads the same picture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H264Encoder, readStamp, SyntheticSource, type I420Frame, type Stamp, type SyntheticPattern } from '../../src/encoding/index.js';
import { findChromium, launchChromium, servePage, type ChromiumSession, type PageServer } from '../chromium.js';
import { STAMP_READER_JS } from './video-page.js';
import type { Page } from 'puppeteer-core';

let available = true;
try {
  findChromium();
} catch {
  available = false;
}

/** Decodes base64 Annex B access units; per picture: the page's reading and the top `rows` luma rows. */
const TEST_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><canvas id="c"></canvas><script>
'use strict';
${STAMP_READER_JS}
const ctx2d = document.getElementById('c').getContext('2d', { willReadFrequently: true });
window.decodeAndRead = async (codec, units, rows) => {
  const out = [];
  let error = null;
  const pending = [];
  const decoder = new VideoDecoder({
    output: (frame) => {
      const w = frame.visibleRect.width;
      const h = frame.visibleRect.height;
      const stamp = readStampFrom(ctx2d, frame, w, h);
      const buf = new Uint8Array(frame.allocationSize());
      const slot = { stamp, frameStamp: null, width: w, height: h, format: frame.format, luma: '' };
      out.push(slot);
      // The first plane is luma in every YUV format (I420, NV12...): take its top rows.
      pending.push(readStampVideoFrame(ctx2d, frame, w, h).then((s) => { slot.frameStamp = s; }).then(() => frame.copyTo(buf)).then((planes) => {
        if (!/^(I420|I420A|I422|I444|NV12)$/.test(frame.format)) throw new Error('not a YUV frame: ' + frame.format);
        let s = '';
        for (let y = 0; y < rows; y++) for (let x = 0; x < w; x++) s += String.fromCharCode(buf[planes[0].offset + y * planes[0].stride + x]);
        slot.luma = btoa(s);
      }).catch((e) => { error = error || String(e); }).finally(() => frame.close()));
    },
    error: (e) => { error = error || String(e); },
  });
  decoder.configure({ codec, hardwareAcceleration: 'prefer-software', optimizeForLatency: true });
  units.forEach((b64, i) => {
    const bin = atob(b64);
    const data = new Uint8Array(bin.length);
    for (let k = 0; k < bin.length; k++) data[k] = bin.charCodeAt(k);
    decoder.decode(new EncodedVideoChunk({ type: i === 0 ? 'key' : 'delta', timestamp: i, data }));
  });
  await decoder.flush();
  await Promise.all(pending);
  decoder.close();
  return { error, out };
};
</script></body></html>`;

interface PageReading {
  /** Through the canvas (readStampFrom). */
  stamp: Stamp | null;
  /** From the VideoFrame's luma (readStampVideoFrame), as the receiver page reads its <video>. */
  frameStamp: Stamp | null;
  width: number;
  height: number;
  format: string;
  luma: string;
}

let session: ChromiumSession;
let server: PageServer;
let page: Page;

beforeAll(async () => {
  if (!available) return;
  session = await launchChromium();
  server = await servePage(TEST_PAGE);
  page = await session.newPage();
  await page.goto(server.url);
}, 30_000);

afterAll(async () => {
  await session?.close();
  await server?.close();
});

/** Encodes `count` synthetic frames, decodes them in Chromium; returns both readings per picture and the source's own stamps. */
async function readBoth(width: number, height: number, count: number, options: { pattern?: SyntheticPattern; bitrate?: number; stamp?: boolean } = {}) {
  const source = new SyntheticSource({ width, height, pattern: options.pattern ?? 'moving', stamp: options.stamp ?? true });
  const encoder = new H264Encoder({ width, height, fps: 30, bitrate: options.bitrate ?? 1_000_000 });
  const units: string[] = [];
  const sent: Stamp[] = [];
  for (let i = 0; i < count; i++) {
    const frame = source.next();
    sent.push({ frame: frame.index, captureTimeMs: frame.captureTimeMs });
    units.push(Buffer.from(encoder.encode(frame).data).toString('base64'));
  }
  const rows = 8 * (width >= 512 ? 16 : 8);
  const result = await page.evaluate(
    (codec: string, u: string[], r: number) => (window as unknown as { decodeAndRead(c: string, u: string[], r: number): Promise<{ error: string | null; out: PageReading[] }> }).decodeAndRead(codec, u, r),
    encoder.codec,
    units,
    rows,
  );
  if (result.error) throw new Error(result.error);
  const node = result.out.map((p) => {
    const luma = new Uint8Array(Buffer.from(p.luma, 'base64'));
    // The top `rows` rows of the decoded picture: the stamp region and all readStamp looks at.
    const top: I420Frame = { width: p.width, height: rows, y: luma, u: new Uint8Array(0), v: new Uint8Array(0) };
    return readStamp(top);
  });
  return { sent, page: result.out.map((p) => p.stamp), frame: result.out.map((p) => p.frameStamp), node, sizes: result.out.map((p) => `${p.width}x${p.height}`) };
}

describe.skipIf(!available)('the receiver page stamp reader', () => {
  it('agrees with readStamp, from the luma and through the canvas, on 1280x720 pictures our encoder made and Chromium decoded (16-sample cells)', async () => {
    const r = await readBoth(1280, 720, 8, { bitrate: 2_500_000 });
    expect(r.sizes.every((s) => s === '1280x720')).toBe(true);
    expect(r.page).toEqual(r.node);
    expect(r.frame).toEqual(r.node);
    expect(r.page).toEqual(r.sent);
  }, 30_000);

  it('agrees with readStamp on 320x240 pictures (8-sample cells) coded at a low bitrate with noise', async () => {
    const r = await readBoth(320, 240, 10, { pattern: 'noisy', bitrate: 150_000 });
    expect(r.page).toEqual(r.node);
    expect(r.frame).toEqual(r.node);
    expect(r.page.filter((s) => s !== null).length).toBeGreaterThanOrEqual(8);
    for (const s of r.page) if (s) expect(r.sent).toContainEqual(s);
  }, 30_000);

  it('finds no stamp in pictures the source drew none in (dark or grey corner), where readStamp at most sees the all-zero reading', async () => {
    const dark = await readBoth(640, 360, 4, { stamp: false });
    const grey = await readBoth(640, 360, 4, { stamp: false, pattern: 'flat' });
    expect([...dark.page, ...grey.page]).toEqual(Array(8).fill(null));
    expect([...dark.frame, ...grey.frame]).toEqual(Array(8).fill(null));
    for (const s of [...dark.node, ...grey.node]) expect([null, JSON.stringify({ frame: 0, captureTimeMs: 0 })]).toContain(s && JSON.stringify(s));
  }, 30_000);
});
