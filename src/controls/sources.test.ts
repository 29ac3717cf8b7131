/**
 * The Streamer fed by sources other than its synthetic picture and tone: pushed RGBA frames,
 * a Y4M file and a WAV file (written by the encoding module's own writers), over real
 * node-datachannel loopback pairs. Small pictures, one worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'node-datachannel';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseSps } from '../../harness/h264-sps.js';
import { createI420Frame, drawStamp, OpusDecoder, PushedVideoSource, WavFileSource, writeWav, writeY4m, Y4mFileSource } from '../encoding/index.js';
import { connectedPair, frames, sleep, until, type Pair } from './__fixtures__/loopback.js';
import { Streamer, type StreamerEvents } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'controls-sources-'));
const open: { close(): unknown }[] = [];

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await sleep(100);
  cleanup();
});

async function pair(): Promise<Pair> {
  const p = await connectedPair();
  open.push(p);
  return p;
}

function spsSize(p: Pair): { width: number; height: number } {
  const f = frames(p).find((fr) => fr.nalUnits.some((n) => (n[0]! & 0x1f) === 7))!;
  return parseSps(f.nalUnits.find((n) => (n[0]! & 0x1f) === 7)!);
}

/** Rising zero crossings per second of a 48 kHz signal. */
function frequency(x: Int16Array): number {
  const c: number[] = [];
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) c.push(i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!));
  return ((c.length - 1) * 48000) / (c[c.length - 1]! - c[0]!);
}

describe('Streamer sources', () => {
  it('pushed RGBA frames are encoded at the rendition size; nothing is sent before the first push and the end is reported', async () => {
    const a = await pair();
    const source = new PushedVideoSource();
    const s = new Streamer({ video: { width: 160, height: 96, frameRate: 30, bitrateBps: 300_000 }, audio: false, workers: 1, keyframeIntervalS: 0, source });
    open.push(s);
    const events: StreamerEvents['source'][] = [];
    s.on('source', (e) => events.push(e));
    s.subscribe(a.peer, { id: 'a' });
    await s.start();
    await sleep(300);
    expect(frames(a).length).toBe(0);
    expect(s.getStats().renditions[0]!.framesIdle).toBeGreaterThan(0);
    const rgba = new Uint8Array(320 * 192 * 4);
    let n = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < rgba.length; i += 4) rgba.set([(n * 8) & 255, 128, 64, 255], i);
      source.push({ format: 'RGBA', width: 320, height: 192, data: rgba });
      n++;
    }, 33);
    try {
      await until(() => frames(a).length >= 15, 10_000, '15 frames of pushed pictures');
    } finally {
      clearInterval(timer);
    }
    expect(spsSize(a)).toMatchObject({ width: 160, height: 96 });
    source.end();
    expect(events.map((e) => [e.media, e.kind])).toContainEqual(['video', 'ended']);
    await sleep(200);
    const after = frames(a).length;
    await sleep(400);
    expect(frames(a).length).toBe(after);
  }, 30_000);

  it('a Y4M file and a WAV file stream through the Streamer: the file size in the SPS, the tone in the decoded Opus', async () => {
    const list = Array.from({ length: 10 }, (_, i) => {
      const f = createI420Frame(128, 96);
      f.y.fill(60 + 10 * i);
      f.u.fill(128);
      f.v.fill(128);
      drawStamp(f, i, 0);
      return f;
    });
    const y4m = join(dir, 'clip.y4m');
    writeFileSync(y4m, writeY4m(list, 15));
    const rate = 44100;
    const pcm = new Int16Array(rate * 2);
    for (let i = 0; i < rate; i++) pcm[2 * i] = pcm[2 * i + 1] = Math.round(12000 * Math.sin((2 * Math.PI * 1000 * i) / rate));
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, writeWav(pcm, rate, 2));
    const video = new Y4mFileSource(y4m, { loop: true });
    const audio = new WavFileSource(wav, { loop: true });
    const a = await pair();
    const s = new Streamer({ video: { width: 128, height: 96, frameRate: 15, bitrateBps: 200_000 }, audio: { source: audio }, workers: 1, keyframeIntervalS: 0, source: video });
    open.push(s);
    s.subscribe(a.peer, { id: 'a' });
    await s.start();
    await until(() => frames(a).length >= 20 && a.receiver.audioPackets.length >= 60, 15_000, '20 frames and 60 Opus packets');
    expect(spsSize(a)).toMatchObject({ width: 128, height: 96 });
    expect(video.stats().loops).toBeGreaterThanOrEqual(1);
    const decoder = new OpusDecoder({ channels: 2 });
    const pcmOut: number[] = [];
    for (const p of a.receiver.audioPackets.slice(10, 60)) {
      const d = decoder.decode(p.payload);
      for (let i = 0; i < d.length; i += 2) pcmOut.push(d[i]!);
    }
    expect(Math.abs(frequency(Int16Array.from(pcmOut)) - 1000)).toBeLessThan(5);
    expect(s.getStats().audio?.source).toContain('tone.wav');
  }, 40_000);
});
