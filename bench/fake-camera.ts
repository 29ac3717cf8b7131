/**
 * Chromium's fake camera (--use-fake-device-for-media-stream) as a clip of real captured
 * frames: getUserMedia + MediaStreamTrackProcessor, VideoFrame.copyTo (I420 or NV12, converted
 * with toI420), pulled to Node; cached as .y4m in the temp dir for later runs
 * (ENCODER_QUALITY_RECAPTURE=1 takes a fresh clip). Used by the encoder benches.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, servePage } from '../harness/chromium.js';
import { copyI420Frame, scaleI420, toI420, writeY4m, Y4mReader, type I420Frame, type PixelFormat } from '../src/encoding/index.js';

/** The page that opens the fake camera and keeps `n` consecutive frames as packed buffers. */
const CAMERA_PAGE = `<!doctype html><meta charset="utf-8"><title>fake camera capture</title><script>
window.captureClip = async (n, w, h, fps, skip) => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: w }, height: { ideal: h }, frameRate: { ideal: fps } } });
  const track = stream.getVideoTracks()[0];
  const settings = track.getSettings();
  const reader = new MediaStreamTrackProcessor({ track }).readable.getReader();
  window.clip = [];
  const stamps = [];
  for (let i = 0; window.clip.length < n; i++) {
    const { value: frame, done } = await reader.read();
    if (done) break;
    if (i < skip) { frame.close(); continue; }
    const fw = frame.visibleRect.width, fh = frame.visibleRect.height, cw = (fw + 1) >> 1, ch = (fh + 1) >> 1;
    let format = frame.format, layout, opts;
    if (format === 'NV12') layout = [{ offset: 0, stride: fw }, { offset: fw * fh, stride: 2 * cw }];
    else layout = [{ offset: 0, stride: fw }, { offset: fw * fh, stride: cw }, { offset: fw * fh + cw * ch, stride: cw }];
    if (format === 'NV12' || format === 'I420') opts = { layout, rect: frame.visibleRect };
    else { opts = { layout, rect: frame.visibleRect, format: 'I420' }; format = 'I420'; }
    const buf = new Uint8Array(fw * fh + 2 * cw * ch);
    await frame.copyTo(buf, opts);
    window.clip.push({ format, sourceFormat: frame.format, width: fw, height: fh, buf });
    stamps.push(frame.timestamp);
    frame.close();
  }
  track.stop();
  return { settings, stamps, formats: [...new Set(window.clip.map((c) => c.sourceFormat))] };
};
window.clipFrame = (i) => {
  const c = window.clip[i];
  let b64;
  if (typeof c.buf.toBase64 === 'function') b64 = c.buf.toBase64();
  else { let s = ''; for (let k = 0; k < c.buf.length; k += 0x8000) s += String.fromCharCode.apply(null, c.buf.subarray(k, k + 0x8000)); b64 = btoa(s); }
  return { format: c.format, width: c.width, height: c.height, b64 };
};
</script>`;

/** `frames` consecutive pictures from Chromium's fake camera, scaled to width x height if it gave another size. */
export async function fakeCamera({ width, height, frames, fps }: { width: number; height: number; frames: number; fps: number }): Promise<{ pictures: I420Frame[]; note: string }> {
  const cacheDir = join(tmpdir(), 'spellbook-encoder-quality');
  const cache = join(cacheDir, `fake-camera-${width}x${height}-${frames}.y4m`);
  if (existsSync(cache) && existsSync(`${cache}.txt`) && process.env.ENCODER_QUALITY_RECAPTURE !== '1') {
    const reader = new Y4mReader(new Uint8Array(readFileSync(cache)));
    const pictures: I420Frame[] = [];
    for (let f = reader.next(); f; f = reader.next()) pictures.push(copyI420Frame(f));
    if (pictures.length === frames) return { pictures, note: `${readFileSync(`${cache}.txt`, 'utf8')} (clip cached in ${cache})` };
  }
  const server = await servePage(CAMERA_PAGE);
  // fps=30: the fake device's default is 20 pictures per second
  const chrome = await launchChromium({ extraArgs: [`--use-fake-device-for-media-stream=fps=${fps}`] });
  try {
    const page = await chrome.newPage();
    await page.goto(server.url);
    // the first half second is skipped: the fake device starts before its pace is steady
    const info = (await page.evaluate((n: number, w: number, h: number, r: number) => (window as unknown as { captureClip(...a: number[]): Promise<unknown> }).captureClip(n, w, h, r, 15), frames, width, height, fps)) as {
      settings: { width?: number; height?: number; frameRate?: number };
      stamps: number[];
      formats: string[];
    };
    const pictures: I420Frame[] = [];
    for (let i = 0; i < frames; i++) {
      const c = (await page.evaluate((k: number) => (window as unknown as { clipFrame(k: number): unknown }).clipFrame(k), i)) as { format: PixelFormat; width: number; height: number; b64: string };
      const data = new Uint8Array(Buffer.from(c.b64, 'base64'));
      const pic = toI420({ format: c.format, width: c.width, height: c.height, data });
      pictures.push(pic.width === width && pic.height === height ? pic : scaleI420(pic, width, height));
    }
    const gaps = info.stamps.slice(1).map((t, i) => (t - info.stamps[i]) / 1000);
    const meanGap = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
    const note = `${chrome.version}, fake camera ${info.settings.width}x${info.settings.height} at ${info.settings.frameRate} fps, format ${info.formats.join('/')}, mean frame interval ${meanGap.toFixed(1)} ms (max ${Math.max(...gaps).toFixed(1)})`;
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cache, writeY4m(pictures, fps));
    writeFileSync(`${cache}.txt`, note);
    return { pictures, note };
  } finally {
    await chrome.close();
    await server.close();
  }
}
