/**
 * The input a command-line run feeds a pipeline (RemoteMedia's `run --input`): a .wav or .y4m
 * file, or `tone[:<Hz>]` / `synthetic`. RemoteMedia's `metadata.cli_defaults` apply: audio is
 * converted to `sample_rate` (band-limited resampling) and `channels` (averaged down or
 * duplicated up), and framed in chunks of `chunk_size` samples per channel (default 20 ms).
 */
import { extname } from 'node:path';
import type { CliDefaults } from '../pipeline-manifest/index.js';
import { PipelineError } from './errors.js';
import type { AudioFrame } from './frame.js';
import type { NodeContext, PipelineNode } from './node.js';
import { createNode } from './registry.js';
import { SincResampler } from './nodes/resample.js';

function remix(f: AudioFrame, channels: number): Float32Array {
  if (f.channels === channels) return f.samples;
  const frames = f.samples.length / f.channels;
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i++) {
    if (channels === 1) {
      let s = 0;
      for (let c = 0; c < f.channels; c++) s += f.samples[i * f.channels + c]!;
      out[i] = s / f.channels;
    } else for (let c = 0; c < channels; c++) out[i * channels + c] = f.samples[i * f.channels + (c % f.channels)]!;
  }
  return out;
}

/** A source node for `spec`, converted to the manifest's cli_defaults. */
export function openInput(spec: string, defaults: CliDefaults = {}): PipelineNode {
  const tone = /^tone(?::(\d+(?:\.\d+)?))?$/.exec(spec);
  const ext = extname(spec).toLowerCase();
  const inner =
    tone ? createNode('ToneSourceNode', 'input', { frequency: tone[1] ? Number(tone[1]) : 440, duration_ms: 5000, sample_rate: defaults.sample_rate ?? 48000, channels: defaults.channels ?? 1 })
    : spec === 'synthetic' ? createNode('SyntheticVideoSourceNode', 'input', { frames: 150 })
    : ext === '.wav' ? createNode('WavSourceNode', 'input', { path: spec })
    : ext === '.y4m' ? createNode('Y4mSourceNode', 'input', { path: spec })
    : undefined;
  if (!inner) throw new PipelineError('bad-param', `input ${JSON.stringify(spec)}: expected a .wav or .y4m file, tone[:<Hz>] or synthetic`, 'input');
  const rate = defaults.sample_rate;
  const channels = defaults.channels;
  const chunk = defaults.chunk_size;
  if (!rate && !channels && !chunk) return inner;
  return {
    ...inner,
    async produce(ctx: NodeContext) {
      let resampler: SincResampler | undefined;
      let pending = new Float32Array(0);
      let sent = 0;
      let first: AudioFrame | undefined;
      const send = async (samples: Float32Array, like: AudioFrame, end: boolean) => {
        const ch = channels ?? like.channels;
        const sr = rate ?? like.sampleRate;
        const joined = new Float32Array(pending.length + samples.length);
        joined.set(pending);
        joined.set(samples, pending.length);
        // Re-framed in chunk_size samples per channel, else 20 ms, whatever the resampler hands over.
        const per = (chunk ?? Math.round(sr / 50)) * ch;
        let at = 0;
        while (joined.length - at >= per || (end && at < joined.length)) {
          const n = Math.min(per, joined.length - at);
          await ctx.emit({ kind: 'audio', sampleRate: sr, channels: ch, samples: joined.slice(at, at + n), mediaTimeUs: first!.mediaTimeUs + (sent * 1e6) / sr, captureTimeMs: like.captureTimeMs });
          sent += n / ch;
          at += n;
        }
        pending = joined.slice(at);
      };
      let last: AudioFrame | undefined;
      await inner.produce!({
        nodeId: ctx.nodeId,
        signal: ctx.signal,
        emit: async (f) => {
          if (f.kind !== 'audio') return ctx.emit(f);
          first ??= f;
          last = f;
          const mixed: AudioFrame = { ...f, channels: channels ?? f.channels, samples: remix(f, channels ?? f.channels) };
          if (rate && rate !== f.sampleRate) {
            resampler ??= new SincResampler(f.sampleRate, rate, mixed.channels, 'Medium');
            return send(resampler.push(mixed.samples), mixed, false);
          }
          return send(mixed.samples, mixed, false);
        },
      });
      if (last) await send(resampler ? resampler.flush() : new Float32Array(0), { ...last, channels: channels ?? last.channels }, true);
    },
  };
}
