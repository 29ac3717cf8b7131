/**
 * Encoders as nodes, built on src/encoding: Opus (RFC 6716; 20 ms frames, packets as data frames
 * of type audio/opus, RFC 7587's 48 kHz media clock for timing) and our H.264 Constrained
 * Baseline encoder (RFC 6184 payload: Annex B access units as data frames of type video/h264).
 */
import { H264Encoder, OpusEncoder, OPUS_SAMPLE_RATES, type OpusApplication, type OpusSampleRate } from '../../encoding/index.js';
import type { AudioFrame, DataFrame, Frame } from '../frame.js';
import type { NodeContext } from '../node.js';
import { asI420 } from './sources.js';
import { floatToInt16 } from './util.js';

export interface OpusParams { bitrate: number; application: string }

export function opusEncode(nodeId: string, p: OpusParams) {
  let enc: OpusEncoder | undefined;
  let format: { rate: number; channels: number; per: number } | undefined;
  let pending = new Int16Array(0);
  let startUs = 0;
  let packets = 0;
  let capture = 0;
  return async (frame: Frame, ctx: NodeContext) => {
    if (frame.kind !== 'audio') return;
    const f: AudioFrame = frame;
    if (!format) {
      if (!(OPUS_SAMPLE_RATES as readonly number[]).includes(f.sampleRate)) throw new Error(`node '${nodeId}': Opus takes ${OPUS_SAMPLE_RATES.join(', ')} Hz, not ${f.sampleRate} Hz (put a FastResampleNode before it)`);
      if (f.channels > 2) throw new Error(`node '${nodeId}': Opus takes 1 or 2 channels, not ${f.channels}`);
      enc = new OpusEncoder({ sampleRate: f.sampleRate as OpusSampleRate, channels: f.channels as 1 | 2, bitrate: p.bitrate, application: p.application as OpusApplication });
      format = { rate: f.sampleRate, channels: f.channels, per: (f.sampleRate / 50) * f.channels };
      startUs = f.mediaTimeUs;
      capture = f.captureTimeMs;
    }
    const pcm = floatToInt16(f.samples);
    const joined = new Int16Array(pending.length + pcm.length);
    joined.set(pending);
    joined.set(pcm, pending.length);
    if (!pending.length) capture = f.captureTimeMs;
    let at = 0;
    while (joined.length - at >= format.per) {
      const bytes = enc!.encode(joined.slice(at, at + format.per));
      at += format.per;
      const out: DataFrame = { kind: 'data', bytes, contentType: 'audio/opus', mediaTimeUs: startUs + packets * 20_000, captureTimeMs: capture };
      packets++;
      capture = f.captureTimeMs;
      await ctx.emit(out);
    }
    pending = joined.slice(at);
  };
}

export interface H264Params { bitrate?: number; qp?: number; key_interval: number; fps: number }

export function h264Encode(p: H264Params) {
  let enc: H264Encoder | undefined;
  let size = '';
  return async (frame: Frame, ctx: NodeContext) => {
    if (frame.kind !== 'video') return;
    if (!enc || size !== `${frame.width}x${frame.height}`) {
      enc = new H264Encoder({ width: frame.width, height: frame.height, fps: p.fps, keyInterval: p.key_interval, ...(p.bitrate ? { bitrate: p.bitrate } : {}), ...(p.qp ? { qp: p.qp } : {}) });
      size = `${frame.width}x${frame.height}`;
    }
    const e = enc.encode(asI420(frame));
    await ctx.emit({ kind: 'data', bytes: e.data, contentType: 'video/h264', value: { keyframe: e.keyframe, qp: e.qp }, mediaTimeUs: frame.mediaTimeUs, captureTimeMs: frame.captureTimeMs } satisfies DataFrame);
  };
}
