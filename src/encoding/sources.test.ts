/**
 * Media sources: pixel conversion against BT.601/BT.709 reference values, the resampler's
 * quality on tones, pushed frames paced by the stated rule, Y4M and WAV files streamed from
 * disk (looped, ended, truncated), bad input refused with typed errors.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createI420Frame,
  drawStamp,
  MediaParseError,
  MediaSourceError,
  openAudioSource,
  openVideoSource,
  PushedAudioSource,
  PushedVideoSource,
  readStamp,
  Resampler,
  scaleI420,
  toI420,
  WavFileSource,
  writeWav,
  writeY4m,
  Y4mFileSource,
  type SourceEvent,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rgba(width: number, height: number, r: number, g: number, b: number): Uint8Array {
  const d = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) d.set([r, g, b, 255], 4 * i);
  return d;
}

function yuvOf(r: number, g: number, b: number, matrix: 'bt601' | 'bt709', range: 'limited' | 'full' = 'limited'): [number, number, number] {
  const f = toI420({ format: 'RGBA', width: 2, height: 2, data: rgba(2, 2, r, g, b), matrix, range });
  return [f.y[0], f.u[0], f.v[0]];
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof MediaSourceError) return e.code;
    throw e;
  }
  return 'no error';
}

/** Frequency from rising zero crossings (linearly interpolated) over the whole signal. */
function measuredFrequency(x: Float32Array | Int16Array, rate: number): number {
  const crossings: number[] = [];
  for (let i = 1; i < x.length; i++) if (x[i - 1] < 0 && x[i] >= 0) crossings.push(i - 1 + -x[i - 1] / (x[i] - x[i - 1]));
  return ((crossings.length - 1) * rate) / (crossings[crossings.length - 1] - crossings[0]);
}

/** SNR (dB) of `x` against the best-fitting sine of frequency f (least squares, with offset). */
function snrDb(x: Float32Array | Int16Array, f: number, rate: number): number {
  const n = x.length;
  const s = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s[i] = Math.sin((2 * Math.PI * f * i) / rate);
    c[i] = Math.cos((2 * Math.PI * f * i) / rate);
  }
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let xs = 0;
  let xc = 0;
  for (let i = 0; i < n; i++) {
    ss += s[i] * s[i];
    cc += c[i] * c[i];
    sc += s[i] * c[i];
    xs += x[i] * s[i];
    xc += x[i] * c[i];
  }
  const det = ss * cc - sc * sc;
  const a = (xs * cc - xc * sc) / det;
  const b = (xc * ss - xs * sc) / det;
  let sig = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const fit = a * s[i] + b * c[i];
    sig += fit * fit;
    noise += (x[i] - fit) ** 2;
  }
  return 10 * Math.log10(sig / noise);
}

function tone(rate: number, channels: number, seconds: number, freq: number, amplitude = 16000): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n * channels);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < channels; ch++) out[i * channels + ch] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

describe('pixel conversion', () => {
  it('RGBA converts to BT.601 limited-range Y, Cb, Cr reference values', () => {
    expect(yuvOf(255, 255, 255, 'bt601')).toEqual([235, 128, 128]);
    expect(yuvOf(0, 0, 0, 'bt601')).toEqual([16, 128, 128]);
    expect(yuvOf(255, 0, 0, 'bt601')).toEqual([81, 90, 240]);
    expect(yuvOf(0, 255, 0, 'bt601')).toEqual([145, 54, 34]);
    expect(yuvOf(0, 0, 255, 'bt601')).toEqual([41, 240, 110]);
  });

  it('RGBA converts to BT.709 limited-range reference values, and full range spans 0..255', () => {
    expect(yuvOf(255, 0, 0, 'bt709')).toEqual([63, 102, 240]);
    expect(yuvOf(0, 255, 0, 'bt709')).toEqual([173, 42, 26]);
    expect(yuvOf(0, 0, 255, 'bt709')).toEqual([32, 240, 118]);
    expect(yuvOf(255, 255, 255, 'bt709', 'full')).toEqual([255, 128, 128]);
    expect(yuvOf(0, 0, 0, 'bt601', 'full')).toEqual([0, 128, 128]);
  });

  it('BGRA is RGBA with red and blue swapped; NV12 and I420 keep their samples; chroma is the 2x2 mean', () => {
    const bgra = rgba(2, 2, 0, 0, 255); // bytes B=0,G=0,R=255 read as BGRA: red
    expect(toI420({ format: 'BGRA', width: 2, height: 2, data: bgra }).y[0]).toBe(81);
    const nv12 = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 100, 200, 101, 201);
    const f = toI420({ format: 'NV12', width: 4, height: 2, data: nv12 });
    expect([...f.y]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...f.u]).toEqual([100, 101]);
    expect([...f.v]).toEqual([200, 201]);
    const i420 = toI420({ format: 'I420', width: 4, height: 2, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 100, 101, 200, 201) });
    expect([...i420.u, ...i420.v]).toEqual([100, 101, 200, 201]);
    const half = new Uint8Array(2 * 2 * 4);
    half.set([255, 0, 0, 255, 0, 0, 255, 255, 255, 0, 0, 255, 0, 0, 255, 255]); // red, blue / red, blue
    const mixed = toI420({ format: 'RGBA', width: 2, height: 2, data: half });
    expect(mixed.u[0]).toBe(Math.round((90.2 + 240) / 2));
  });

  it('odd sizes convert with rounded-up chroma, and scaling keeps a flat picture flat', () => {
    const f = toI420({ format: 'RGBA', width: 5, height: 3, data: rgba(5, 3, 0, 255, 0) });
    expect(f.u.length).toBe(3 * 2);
    expect(new Set(f.u)).toEqual(new Set([54]));
    const s = scaleI420(f, 64, 36);
    expect(new Set(s.y)).toEqual(new Set([145]));
  });

  it('wrong buffer sizes, formats and sizes are refused with typed codes', () => {
    expect(code(() => toI420({ format: 'RGBA', width: 4, height: 4, data: new Uint8Array(63) }))).toBe('bad-buffer-size');
    expect(code(() => toI420({ format: 'NV12', width: 4, height: 4, data: new Uint8Array(24 + 1) }))).toBe('bad-buffer-size');
    expect(code(() => toI420({ format: 'YUY2' as never, width: 4, height: 4, data: new Uint8Array(32) }))).toBe('unsupported-format');
    expect(code(() => toI420({ format: 'RGBA', width: 0, height: 4, data: new Uint8Array(0) }))).toBe('bad-size');
    expect(code(() => toI420({ format: 'RGBA', width: 2.5, height: 4, data: new Uint8Array(40) }))).toBe('bad-size');
    expect(code(() => toI420({ format: 'RGBA', width: 2, height: 2, data: new Uint8Array(16), matrix: 'bt2020' as never }))).toBe('unsupported-format');
    const e = (() => {
      try {
        toI420({ format: 'RGBA', width: 4, height: 4, data: new Uint8Array(10) });
      } catch (err) {
        return err as MediaSourceError;
      }
    })();
    expect(e?.where).toBe('data');
    expect(e?.message).toContain('64 bytes');
  });
});

/** Resamples a 1 s tone fed in uneven pieces and checks the 48 kHz output's frequency and SNR. */
function checkTone(from: number, channels: number, freq: number): void {
  const r = new Resampler(from, 48000, channels);
  const f = new Float32Array(tone(from, channels, 1, freq));
  const parts: Float32Array[] = [];
  for (let at = 0, step = 331 * channels; at < f.length; at += step) parts.push(r.push(f.subarray(at, Math.min(f.length, at + step))));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  expect(Math.abs(out.length / channels - 48000)).toBeLessThan(200);
  const left = new Float32Array(out.length / channels);
  for (let i = 0; i < left.length; i++) left[i] = out[i * channels];
  const steady = left.subarray(2400, left.length - 2400);
  expect(Math.abs(measuredFrequency(steady, 48000) - freq)).toBeLessThan(0.05);
  expect(snrDb(steady, freq, 48000)).toBeGreaterThan(60);
}

describe('resampler', () => {
  it('a 1000 Hz tone at 44100 Hz (2 ch) comes out at 48 kHz with its frequency and an SNR above 60 dB', () => checkTone(44100, 2, 1000));
  it('a 440 Hz tone at 8000 Hz (1 ch) comes out at 48 kHz with its frequency and an SNR above 60 dB', () => checkTone(8000, 1, 440));
  it('a 3000 Hz tone at 16000 Hz (1 ch) comes out at 48 kHz with its frequency and an SNR above 60 dB', () => checkTone(16000, 1, 3000));
  it('a 1000 Hz tone at 96000 Hz (2 ch) comes out at 48 kHz with its frequency and an SNR above 60 dB', () => checkTone(96000, 2, 1000));
  it('a 7000 Hz tone at 22050 Hz (1 ch) comes out at 48 kHz with its frequency and an SNR above 60 dB', () => checkTone(22050, 1, 7000));
});

describe('pushed video', () => {
  const frame = (n: number, timestampUs?: number) => {
    const f = createI420Frame(128, 96);
    f.y.fill(100);
    f.u.fill(128);
    f.v.fill(128);
    drawStamp(f, n, n);
    return { format: 'I420' as const, width: 128, height: 96, data: Uint8Array.from([...f.y, ...f.u, ...f.v]), timestampUs };
  };

  it('pushed frames are paced: the newest due frame per tick, faster frames superseded, a missing frame repeated, early frames wait', () => {
    let now = 1000;
    const src = new PushedVideoSource({ now: () => now });
    const reader = src.reader(128, 96, 30);
    expect(reader.read(now)).toBeNull(); // nothing yet
    // 60 fps pushed in one burst, timestamps 16.7 ms apart: due over the next 100 ms.
    for (let i = 0; i < 6; i++) src.push(frame(i, i * 16_667));
    const seen: number[] = [];
    for (let t = 0; t <= 100; t += 33) {
      now = 1000 + t;
      const got = reader.read(now)!;
      seen.push(readStamp(got.frame)!.frame);
    }
    expect(seen).toEqual([0, 1, 3, 5]); // tick at 0 ms: frame 0; 33 ms: frames 1 (16.7) and 2 (33.3 not yet due)...
    expect(src.stats().superseded).toBe(2); // frames 2 and 4 were never shown
    now += 33;
    const again = reader.read(now)!;
    expect(again.repeated).toBe(true);
    expect(readStamp(again.frame)!.frame).toBe(5);
    expect(src.stats().repeated).toBe(1);
  });

  it('out-of-order and jumping timestamps: dropped, or the timeline re-anchored; a silent source reports stalled, then resumed', () => {
    let now = 0;
    const events: SourceEvent['kind'][] = [];
    const src = new PushedVideoSource({ now: () => now, stallMs: 500 });
    src.on((e) => events.push(e.kind));
    const reader = src.reader(64, 48, 30);
    expect(src.push(frame(1, 1_000_000))).toBe(true);
    expect(src.push(frame(2, 1_000_000))).toBe(false);
    expect(src.stats().outOfOrder).toBe(1);
    expect(src.push(frame(3, 60_000_000))).toBe(true); // a minute ahead: re-anchored, due now
    expect(src.stats().resyncs).toBe(1);
    expect(readStamp(scaleI420(reader.read(now)!.frame, 128, 96))).not.toBeNull();
    now = 600;
    expect(reader.read(now)!.repeated).toBe(true);
    expect(events).toEqual(['stalled']);
    src.push(frame(4, 60_100_000));
    expect(events).toEqual(['stalled', 'resumed']);
    src.end();
    expect(reader.read(now)).toBeNull();
    expect(events.at(-1)).toBe('ended');
    expect(code(() => src.push(frame(5)))).toBe('closed');
  });

  it('a frame of the wrong size for its format is refused and the source carries on', () => {
    const src = new PushedVideoSource();
    const reader = src.reader(128, 96, 30);
    expect(code(() => src.push({ format: 'RGBA', width: 128, height: 96, data: new Uint8Array(100) }))).toBe('bad-buffer-size');
    expect(code(() => src.push({ ...frame(0), timestampUs: Number.NaN }))).toBe('bad-timestamp');
    src.push(frame(7));
    expect(readStamp(reader.read(performance.now() + 1)!.frame)!.frame).toBe(7);
  });
});

describe('Y4M file source', () => {
  const write = (name: string, frames: number) => {
    const list = Array.from({ length: frames }, (_, i) => {
      const f = createI420Frame(128, 96);
      f.y.fill(80);
      f.u.fill(128);
      f.v.fill(128);
      drawStamp(f, i, 0);
      return f;
    });
    const path = join(dir, name);
    writeFileSync(path, writeY4m(list, 10));
    return path;
  };

  it('a Y4M file is read from disk frame by frame at its own rate, looped on request', () => {
    const path = write('loop.y4m', 3);
    let now = 0;
    const src = new Y4mFileSource(path, { loop: true, now: () => now });
    const events: string[] = [];
    src.on((e) => events.push(e.kind));
    expect(src.frameCount).toBe(3);
    const r = src.reader(128, 96, 30);
    const stamps: number[] = [];
    for (let t = 0; t < 700; t += 100) {
      now = t;
      stamps.push(readStamp(r.read(t)!.frame)!.frame);
    }
    expect(stamps).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(events).toEqual(['looped', 'looped']);
    expect(src.stats().loops).toBe(2);
    src.close();
    expect(r.read(800)).toBeNull();
  });

  it('a Y4M file that ends stops cleanly, and a truncated one reports a typed error first', () => {
    const path = write('end.y4m', 2);
    const src = new Y4mFileSource(path);
    const events: SourceEvent[] = [];
    src.on((e) => events.push(e));
    const r = src.reader(64, 48, 10);
    expect(r.read(0)).not.toBeNull();
    expect(r.read(150)).not.toBeNull();
    expect(r.read(250)).toBeNull();
    expect(events.map((e) => e.kind)).toEqual(['ended']);

    const cut = write('cut.y4m', 3);
    truncateSync(cut, 80 + 2 * (128 * 96 * 1.5 + 6) + 100);
    const t = new Y4mFileSource(cut);
    const seen: SourceEvent[] = [];
    t.on((e) => seen.push(e));
    const tr = t.reader(128, 96, 10);
    expect(tr.read(0)).not.toBeNull();
    expect(tr.read(100)).not.toBeNull();
    expect(tr.read(200)).toBeNull();
    expect(seen.map((e) => e.kind)).toEqual(['error', 'ended']);
    expect(seen[0].error?.code).toBe('truncated');
  });

  it('a missing or damaged Y4M file is refused with a typed error', () => {
    expect(code(() => new Y4mFileSource(join(dir, 'absent.y4m')))).toBe('io');
    const bad = join(dir, 'bad.y4m');
    writeFileSync(bad, 'YUV4MPEG2 W13 H8 F30:1\n');
    expect(() => new Y4mFileSource(bad)).toThrow(MediaParseError);
    expect(code(() => openVideoSource('clip.mp4'))).toBe('unsupported-format');
    expect(openVideoSource('synthetic:flat').kind).toBe('synthetic');
  });
});

describe('audio sources', () => {
  it('pushed PCM at 44.1 kHz stereo and 16 kHz mono comes out as 48 kHz frames of the same tone', () => {
    for (const [rate, channels] of [
      [44100, 2],
      [16000, 1],
    ] as const) {
      const src = new PushedAudioSource({ channels: 2 });
      src.push(tone(rate, channels, 0.5, 500), rate, channels);
      const left: number[] = [];
      for (let i = 0; i < 20; i++) {
        const f = src.next()!;
        expect(f.length).toBe(1920);
        for (let k = 0; k < 960; k++) left.push(f[2 * k]);
      }
      const steady = Int16Array.from(left.slice(1000, 19000));
      expect(Math.abs(measuredFrequency(steady, 48000) - 500)).toBeLessThan(0.1);
      expect(snrDb(steady, 500, 48000)).toBeGreaterThan(60);
      expect(src.stats().underruns).toBe(0);
    }
  });

  it('pushed PCM that stops delivering gives silence frames, stalled, then ended after end()', () => {
    let now = 0;
    const src = new PushedAudioSource({ channels: 1, now: () => now, stallMs: 100 });
    const events: string[] = [];
    src.on((e) => events.push(e.kind));
    src.push(new Float32Array(480).fill(0.5), 48000, 1);
    const first = src.next()!;
    expect(first[0]).toBe(16384);
    expect(first[959]).toBe(0); // half a frame, padded
    now = 200;
    expect(src.next()!.every((v) => v === 0)).toBe(true);
    expect(events).toEqual(['stalled']);
    expect(src.stats().underruns).toBe(2);
    src.end();
    expect(src.next()).toBeNull();
    expect(events).toEqual(['stalled', 'ended']);
    expect(code(() => new PushedAudioSource().push(new Int16Array(3), 44100, 2))).toBe('bad-buffer-size');
    expect(code(() => new PushedAudioSource().push(new Int16Array(4), 44000, 2))).toBe('unsupported-format');
    expect(code(() => new PushedAudioSource().push(new Int16Array(4), 48000, 9))).toBe('unsupported-format');
  });

  it('a WAV file is streamed from disk and looped; one that ends returns null; a truncated one reports it', () => {
    const path = join(dir, 'tone.wav');
    writeFileSync(path, writeWav(tone(22050, 1, 0.1, 1000), 22050, 1));
    const src = new WavFileSource(path, { loop: true });
    const events: string[] = [];
    src.on((e) => events.push(e.kind));
    for (let i = 0; i < 12; i++) expect(src.next()).not.toBeNull();
    expect(events).toContain('looped');
    src.close();

    const once = openAudioSource(path);
    let frames = 0;
    while (once.next() && frames < 100) frames++;
    expect(frames).toBeGreaterThanOrEqual(5);
    expect(frames).toBeLessThanOrEqual(6);
    expect(once.stats().ended).toBe(true);

    const cut = join(dir, 'cut.wav');
    writeFileSync(cut, writeWav(tone(48000, 2, 0.1, 1000), 48000, 2).subarray(0, 44 + 4 * 2000));
    const t = new WavFileSource(cut);
    const seen: SourceEvent[] = [];
    t.on((e) => seen.push(e));
    while (t.next());
    expect(seen.map((e) => e.kind)).toEqual(['error', 'ended']);
    expect(seen[0].error?.code).toBe('truncated');
    expect(t.stats().frames).toBe(3); // 2000 frames: two whole 20 ms frames and one padded
  });

  it('WAV files of another kind are refused with typed errors', () => {
    const bad = join(dir, 'eight-bit.wav');
    const w = writeWav(new Int16Array(100), 48000, 1);
    new DataView(w.buffer).setUint16(34, 8, true);
    writeFileSync(bad, w);
    expect(() => new WavFileSource(bad)).toThrow(MediaParseError);
    const odd = join(dir, 'odd-rate.wav');
    writeFileSync(odd, writeWav(new Int16Array(100), 44000, 1));
    expect(code(() => new WavFileSource(odd))).toBe('unsupported-format');
    expect(code(() => new WavFileSource(join(dir, 'absent.wav')))).toBe('io');
    expect(code(() => openAudioSource('song.mp3'))).toBe('unsupported-format');
  });
});
