/**
 * Encode a whole clip from any frame source (SyntheticSource, Y4mReader) into one Annex B
 * byte stream, with the figures a command line reports. Meant for `spell encode`.
 */
import { H264Encoder, type EncodedFrame, type H264EncoderOptions } from './encoder.js';
import { psnr, type I420Frame } from './frame.js';
import { ParallelH264Encoder } from './parallel.js';

/** Anything that yields frames one by one (null at the end). */
export interface FrameSource {
  next(): I420Frame | null;
}

export interface EncodeClipOptions extends Omit<H264EncoderOptions, 'width' | 'height'> {
  /** Stop after this many frames (default: until the source ends). */
  maxFrames?: number;
  /** Worker threads; 0 or 1 encodes on the calling thread (default). */
  threads?: number;
  /** Measure Y-PSNR of every reconstruction against its source (default true). */
  measurePsnr?: boolean;
  /** Called after each frame with its figures and the encoder's reconstruction (valid during the call). */
  onFrame?: (info: EncodedFrameInfo) => void;
}

export interface EncodedFrameInfo {
  index: number;
  bytes: number;
  keyframe: boolean;
  /** Y-PSNR of this frame's reconstruction (NaN when not measured). */
  psnrY: number;
  encodeMs: number;
  reconstruction: I420Frame;
}

export interface EncodeClipResult {
  /** Concatenated Annex B access units. */
  stream: Uint8Array;
  /** Byte length of each access unit, in order. */
  accessUnits: number[];
  frames: number;
  keyframes: number;
  codec: string;
  /** Average bitrate at the configured frame rate, bits/s. */
  bitrate: number;
  /** Mean Y-PSNR in dB (NaN when not measured; identical pictures count as 99 dB). */
  psnrY: number;
  /** Time spent in encode calls, ms. */
  encodeMs: number;
}

/** Encode frames from `source` (its first frame fixes the size) into one Annex B stream. */
export async function encodeClip(source: FrameSource, opts: EncodeClipOptions = {}): Promise<EncodeClipResult> {
  const first = source.next();
  if (!first) throw new RangeError('the source has no frames');
  const max = opts.maxFrames ?? Infinity;
  const threads = opts.threads ?? 0;
  const config = { ...opts, width: first.width, height: first.height };
  const parallel = threads > 1 ? await ParallelH264Encoder.create({ ...config, threads }) : undefined;
  const single = parallel ? undefined : new H264Encoder(config);
  const units: Uint8Array[] = [];
  let keyframes = 0;
  let ySum = 0;
  let encodeMs = 0;
  try {
    for (let frame: I420Frame | null = first; frame && units.length < max; frame = source.next()) {
      const t0 = performance.now();
      const out: EncodedFrame = parallel ? await parallel.encode(frame) : (single as H264Encoder).encode(frame);
      const took = performance.now() - t0;
      encodeMs += took;
      units.push(out.data);
      if (out.keyframe) keyframes++;
      const reconstruction = (parallel ?? (single as H264Encoder)).reconstruction();
      const frameY = opts.measurePsnr !== false ? Math.min(99, psnr(frame, reconstruction).y) : NaN;
      if (opts.measurePsnr !== false) ySum += frameY;
      opts.onFrame?.({ index: units.length - 1, bytes: out.data.length, keyframe: out.keyframe, psnrY: frameY, encodeMs: took, reconstruction });
    }
  } finally {
    await parallel?.close();
  }
  const total = units.reduce((n, u) => n + u.length, 0);
  const stream = new Uint8Array(total);
  let off = 0;
  for (const u of units) {
    stream.set(u, off);
    off += u.length;
  }
  const fps = opts.fps ?? (parallel ?? (single as H264Encoder)).fps;
  return {
    stream,
    accessUnits: units.map((u) => u.length),
    frames: units.length,
    keyframes,
    codec: (parallel ?? (single as H264Encoder)).codec,
    bitrate: (total * 8 * fps) / units.length,
    psnrY: opts.measurePsnr === false ? NaN : ySum / units.length,
    encodeMs,
  };
}
