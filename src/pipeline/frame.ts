/**
 * Frames: what flows along edges. Every frame carries its media timestamp (`mediaTimeUs`, the
 * position in the stream, as RTP timestamps do in RFC 3550 section 5.1) and the wall-clock time
 * its first sample was captured (`captureTimeMs`, epoch milliseconds), carried unchanged by
 * every node that derives a frame from it, so latency is measured end to end.
 *
 * Frames are serialisable (`frameToJSON` / `frameFromJSON`: binary payloads as base64, samples
 * as little-endian float32) so a node can later run on a remote executor.
 */
import { FRAME_KINDS, LIMITS, Messages } from './constants.js';
import { PipelineError } from './errors.js';

export type FrameKind = (typeof FRAME_KINDS)[number];

export interface FrameTiming {
  /** Media time of the first sample, microseconds from the stream's start. */
  mediaTimeUs: number;
  /** Wall-clock capture time of the first sample, milliseconds since the epoch. */
  captureTimeMs: number;
  streamId?: string;
}

/** PCM audio, interleaved float32 in [-1, 1]. */
export interface AudioFrame extends FrameTiming {
  kind: 'audio';
  sampleRate: number;
  channels: number;
  samples: Float32Array;
}

/** One I420 picture: Y plane, then U, then V (each chroma plane ceil(w/2) x ceil(h/2)). */
export interface VideoFrame extends FrameTiming {
  kind: 'video';
  width: number;
  height: number;
  data: Uint8Array;
}

/** Structured data (events: a JSON value) and/or bytes (encoded media, with a content type). */
export interface DataFrame extends FrameTiming {
  kind: 'data';
  value?: unknown;
  bytes?: Uint8Array;
  contentType?: string;
}

export interface TextFrame extends FrameTiming {
  kind: 'text';
  text: string;
}

export type Frame = AudioFrame | VideoFrame | DataFrame | TextFrame;

/** Frames per channel of an audio frame. */
export function audioFrames(f: AudioFrame): number {
  return f.samples.length / f.channels;
}

/** Duration of an audio frame in microseconds. */
export function audioDurationUs(f: AudioFrame): number {
  return (audioFrames(f) * 1e6) / f.sampleRate;
}

/** Bytes of an I420 picture of this size. */
export function i420Size(width: number, height: number): number {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  return width * height + 2 * cw * ch;
}

const b64 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

/** A JSON-safe copy of a frame (binary as base64; float32 samples little-endian). */
export function frameToJSON(f: Frame): Record<string, unknown> {
  const base = { kind: f.kind, mediaTimeUs: f.mediaTimeUs, captureTimeMs: f.captureTimeMs, ...(f.streamId !== undefined ? { streamId: f.streamId } : {}) };
  switch (f.kind) {
    case 'audio': {
      const le = new Uint8Array(f.samples.length * 4);
      const v = new DataView(le.buffer);
      for (let i = 0; i < f.samples.length; i++) v.setFloat32(i * 4, f.samples[i]!, true);
      return { ...base, sampleRate: f.sampleRate, channels: f.channels, samples: b64(le) };
    }
    case 'video':
      return { ...base, width: f.width, height: f.height, data: b64(f.data) };
    case 'data':
      return { ...base, ...(f.value !== undefined ? { value: f.value } : {}), ...(f.bytes ? { bytes: b64(f.bytes) } : {}), ...(f.contentType !== undefined ? { contentType: f.contentType } : {}) };
    case 'text':
      return { ...base, text: f.text };
  }
}

function need<T>(ok: boolean, field: string, why: string, value?: T): T {
  if (!ok) throw new PipelineError('bad-frame', Messages.badFrame(field, why), undefined, { field });
  return value as T;
}

function base64(o: Record<string, unknown>, field: string): Uint8Array {
  const s = o[field];
  need(typeof s === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0, field, 'must be base64');
  need((s as string).length * 0.75 <= LIMITS.maxFrameBytes, field, `exceeds ${LIMITS.maxFrameBytes} bytes`);
  return new Uint8Array(Buffer.from(s as string, 'base64'));
}

const posInt = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;

/** Read a frame written by frameToJSON; anything malformed is PipelineError 'bad-frame' naming the field. */
export function frameFromJSON(value: unknown): Frame {
  need(typeof value === 'object' && value !== null && !Array.isArray(value), '(frame)', 'must be an object');
  const o = value as Record<string, unknown>;
  need(FRAME_KINDS.includes(o.kind as FrameKind), 'kind', `must be one of ${FRAME_KINDS.join(', ')}`);
  need(typeof o.mediaTimeUs === 'number' && Number.isFinite(o.mediaTimeUs), 'mediaTimeUs', 'must be a finite number');
  need(typeof o.captureTimeMs === 'number' && Number.isFinite(o.captureTimeMs), 'captureTimeMs', 'must be a finite number');
  need(o.streamId === undefined || typeof o.streamId === 'string', 'streamId', 'must be a string');
  const timing: FrameTiming = { mediaTimeUs: o.mediaTimeUs as number, captureTimeMs: o.captureTimeMs as number, ...(o.streamId !== undefined ? { streamId: o.streamId as string } : {}) };
  switch (o.kind as FrameKind) {
    case 'audio': {
      need(posInt(o.sampleRate, 384_000), 'sampleRate', 'must be a whole number from 1 to 384000');
      need(posInt(o.channels, 32), 'channels', 'must be a whole number from 1 to 32');
      const bytes = base64(o, 'samples');
      need(bytes.length % (4 * (o.channels as number)) === 0, 'samples', 'must hold whole float32 frames for every channel');
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const samples = new Float32Array(bytes.length / 4);
      for (let i = 0; i < samples.length; i++) samples[i] = v.getFloat32(i * 4, true);
      return { kind: 'audio', ...timing, sampleRate: o.sampleRate as number, channels: o.channels as number, samples };
    }
    case 'video': {
      need(posInt(o.width, 16384), 'width', 'must be a whole number from 1 to 16384');
      need(posInt(o.height, 16384), 'height', 'must be a whole number from 1 to 16384');
      const data = base64(o, 'data');
      need(data.length === i420Size(o.width as number, o.height as number), 'data', 'must be one I420 picture of width x height');
      return { kind: 'video', ...timing, width: o.width as number, height: o.height as number, data };
    }
    case 'data': {
      need(o.contentType === undefined || typeof o.contentType === 'string', 'contentType', 'must be a string');
      const f: DataFrame = { kind: 'data', ...timing };
      if (o.value !== undefined) f.value = o.value;
      if (o.bytes !== undefined) f.bytes = base64(o, 'bytes');
      if (o.contentType !== undefined) f.contentType = o.contentType as string;
      return f;
    }
    case 'text':
      need(typeof o.text === 'string', 'text', 'must be a string');
      return { kind: 'text', ...timing, text: o.text as string };
  }
}
