/**
 * AudioChunkerNode (RemoteMedia crates/core/src/nodes/audio_chunker.rs): re-frames audio into
 * chunks of exactly `chunk_size` samples (counted across channels, interleaved, as RemoteMedia
 * counts them; for stereo it must be even). A partial chunk at the end of the stream stays
 * buffered and is not emitted, as in RemoteMedia. A chunk's media time follows the sample
 * count; its capture time is that of the input frame holding its first sample.
 */
import { PipelineError } from '../errors.js';
import type { AudioFrame, Frame } from '../frame.js';
import type { NodeContext } from '../node.js';

export function chunker(nodeId: string, chunkSize: number) {
  let buf = new Float32Array(Math.max(chunkSize * 2, 1024));
  let len = 0;
  let format: { sampleRate: number; channels: number; streamId?: string } | undefined;
  let startUs = 0;
  let emitted = 0; // samples (interleaved) emitted so far
  // Capture times of buffered input frames: [first interleaved sample index, capture time].
  const captures: [number, number][] = [];
  let received = 0;
  return async (frame: Frame, ctx: NodeContext) => {
    if (frame.kind !== 'audio') return;
    const f: AudioFrame = frame;
    if (!format) {
      if (chunkSize % f.channels) throw new PipelineError('bad-param', `node '${nodeId}': params.chunk_size ${chunkSize} is not a whole number of ${f.channels}-channel frames`, nodeId, { field: 'params.chunk_size' });
      format = { sampleRate: f.sampleRate, channels: f.channels, streamId: f.streamId };
      startUs = f.mediaTimeUs;
    } else if (f.sampleRate !== format.sampleRate || f.channels !== format.channels) {
      throw new PipelineError('node-failed', `node '${nodeId}': the audio format changed mid-stream (${format.sampleRate} Hz x${format.channels} to ${f.sampleRate} Hz x${f.channels})`, nodeId);
    }
    if (len + f.samples.length > buf.length) {
      const next = new Float32Array(Math.max(buf.length * 2, len + f.samples.length));
      next.set(buf.subarray(0, len));
      buf = next;
    }
    buf.set(f.samples, len);
    len += f.samples.length;
    captures.push([received, f.captureTimeMs]);
    received += f.samples.length;
    let at = 0;
    while (len - at >= chunkSize) {
      while (captures.length > 1 && captures[1]![0] <= emitted) captures.shift();
      const samples = buf.slice(at, at + chunkSize);
      const out: AudioFrame = { kind: 'audio', sampleRate: format.sampleRate, channels: format.channels, samples, mediaTimeUs: startUs + ((emitted / format.channels) * 1e6) / format.sampleRate, captureTimeMs: captures[0]![1], ...(format.streamId !== undefined ? { streamId: format.streamId } : {}) };
      at += chunkSize;
      emitted += chunkSize;
      await ctx.emit(out);
    }
    if (at) {
      buf.copyWithin(0, at, len);
      len -= at;
    }
  };
}
