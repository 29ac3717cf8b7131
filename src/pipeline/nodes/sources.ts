/**
 * Our own sources: a synthetic tone (with silent or louder segments, per-channel gains), a WAV
 * file (src/encoding's RIFF reader), a Y4M file and the synthetic camera (src/encoding). Each
 * stamps the media time from its sample or frame count and the wall-clock capture time when
 * the frame is produced; with `realtime` the source is paced against absolute deadlines (a
 * capture device's rate), otherwise it runs as fast as the pipeline takes frames.
 */
import { readFileSync } from 'node:fs';
import { parseWav, SyntheticSource, Y4mReader, type I420Frame, type SyntheticPattern } from '../../encoding/index.js';
import type { AudioFrame, VideoFrame } from '../frame.js';
import type { NodeContext } from '../node.js';
import { wallClockMs } from '../stats.js';
import { int16ToFloat } from './util.js';

/** Waits until `start + dueMs` on the performance clock (absolute deadlines: no drift). */
async function pace(start: number, dueMs: number, signal: AbortSignal): Promise<void> {
  const wait = start + dueMs - performance.now();
  if (wait > 1 && !signal.aborted) await new Promise((r) => setTimeout(r, wait));
}

export interface ToneSegment { duration_ms: number; frequency?: number; amplitude?: number }
export interface ToneParams { frequency: number; amplitude: number; sample_rate: number; channels: number; duration_ms: number; frame_ms: number; realtime: boolean; segments?: ToneSegment[]; channel_gains?: number[] }

export function toneSource(p: ToneParams) {
  return async (ctx: NodeContext) => {
    const segments: ToneSegment[] = p.segments?.length ? p.segments : [{ duration_ms: p.duration_ms }];
    const perFrame = Math.round((p.sample_rate * p.frame_ms) / 1000);
    const bounds: { end: number; f: number; a: number }[] = [];
    let end = 0;
    for (const s of segments) {
      end += Math.round((p.sample_rate * s.duration_ms) / 1000);
      bounds.push({ end, f: s.frequency ?? p.frequency, a: s.amplitude ?? p.amplitude });
    }
    const start = performance.now();
    let phase = 0;
    let seg = 0;
    for (let n = 0; n < end; n += perFrame) {
      if (ctx.signal.aborted) return;
      if (p.realtime) await pace(start, (n * 1000) / p.sample_rate, ctx.signal);
      const count = Math.min(perFrame, end - n);
      const samples = new Float32Array(count * p.channels);
      for (let i = 0; i < count; i++) {
        while (n + i >= bounds[seg]!.end) seg++;
        const b = bounds[seg]!;
        const v = b.a * Math.sin(phase);
        phase += (2 * Math.PI * b.f) / p.sample_rate;
        if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
        for (let c = 0; c < p.channels; c++) samples[i * p.channels + c] = v * (p.channel_gains?.[c] ?? 1);
      }
      const frame: AudioFrame = { kind: 'audio', sampleRate: p.sample_rate, channels: p.channels, samples, mediaTimeUs: (n * 1e6) / p.sample_rate, captureTimeMs: wallClockMs() };
      await ctx.emit(frame);
    }
  };
}

export interface WavSourceParams { path: string; frame_ms: number; realtime: boolean }

export function wavSource(p: WavSourceParams) {
  let wav: ReturnType<typeof parseWav> | undefined;
  return {
    open() {
      wav = parseWav(new Uint8Array(readFileSync(p.path)));
    },
    async produce(ctx: NodeContext) {
      const w = wav!;
      const perFrame = Math.max(1, Math.round((w.sampleRate * p.frame_ms) / 1000));
      const start = performance.now();
      for (let n = 0; n < w.frames; n += perFrame) {
        if (ctx.signal.aborted) return;
        if (p.realtime) await pace(start, (n * 1000) / w.sampleRate, ctx.signal);
        const count = Math.min(perFrame, w.frames - n);
        const samples = int16ToFloat(w.samples.subarray(n * w.channels, (n + count) * w.channels));
        await ctx.emit({ kind: 'audio', sampleRate: w.sampleRate, channels: w.channels, samples, mediaTimeUs: (n * 1e6) / w.sampleRate, captureTimeMs: wallClockMs() } satisfies AudioFrame);
      }
    },
  };
}

function videoFrame(pic: I420Frame, index: number, fps: number): VideoFrame {
  const cw = (pic.width + 1) >> 1;
  const ch = (pic.height + 1) >> 1;
  const data = new Uint8Array(pic.width * pic.height + 2 * cw * ch);
  data.set(pic.y.subarray(0, pic.width * pic.height));
  data.set(pic.u.subarray(0, cw * ch), pic.width * pic.height);
  data.set(pic.v.subarray(0, cw * ch), pic.width * pic.height + cw * ch);
  return { kind: 'video', width: pic.width, height: pic.height, data, mediaTimeUs: (index * 1e6) / fps, captureTimeMs: wallClockMs() };
}

export interface Y4mSourceParams { path: string; realtime: boolean }

export function y4mSource(p: Y4mSourceParams) {
  let reader: Y4mReader | undefined;
  return {
    open() {
      reader = new Y4mReader(new Uint8Array(readFileSync(p.path)));
    },
    async produce(ctx: NodeContext) {
      const r = reader!;
      const start = performance.now();
      for (let i = 0; ; i++) {
        if (ctx.signal.aborted) return;
        if (p.realtime) await pace(start, (i * 1000) / r.fps, ctx.signal);
        const pic = r.next();
        if (!pic) return;
        await ctx.emit(videoFrame(pic, i, r.fps));
      }
    },
  };
}

export interface SyntheticVideoParams { width: number; height: number; fps: number; frames: number; pattern: string; realtime: boolean }

export function syntheticVideoSource(p: SyntheticVideoParams) {
  return async (ctx: NodeContext) => {
    // The picture stamp (frame number and capture time, read back by the harness) needs at least 128x96.
    const src = new SyntheticSource({ width: p.width, height: p.height, fps: p.fps, pattern: p.pattern as SyntheticPattern, stamp: p.width >= 128 && p.height >= 96 });
    const start = performance.now();
    for (let i = 0; i < p.frames; i++) {
      if (ctx.signal.aborted) return;
      if (p.realtime) await pace(start, (i * 1000) / p.fps, ctx.signal);
      await ctx.emit(videoFrame(src.next(), i, p.fps));
    }
  };
}

/** View a VideoFrame's planes as an I420Frame (no copy). */
export function asI420(f: VideoFrame): I420Frame {
  const cw = (f.width + 1) >> 1;
  const ch = (f.height + 1) >> 1;
  const ySize = f.width * f.height;
  return { width: f.width, height: f.height, y: f.data.subarray(0, ySize), u: f.data.subarray(ySize, ySize + cw * ch), v: f.data.subarray(ySize + cw * ch, ySize + 2 * cw * ch) };
}
