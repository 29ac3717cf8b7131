/** The executor's wire format: every message kind round-trips; big frames are chunked; bad bytes are typed errors with offsets. */
import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { chunkMessage, decodeMessage, encodeMessage, WireReader, type WireMessage } from './wire.js';
import { RemoteError } from './errors.js';
import { targets } from './remote.fuzz.js';

const t = { mediaTimeUs: 1_020_000, captureTimeMs: 1_764_633_600_123.25 };

describe('remote wire format', () => {
  it('round-trips control messages and frames of every kind, bytes and timestamps exact; a 720p picture crosses in 60 KiB chunks', () => {
    const video = new Uint8Array(1280 * 720 * 1.5);
    for (let i = 0; i < video.length; i++) video[i] = (i * 7) & 255;
    const msgs: WireMessage[] = [
      { type: 'start', session: 7, manifest: '{"version":"v1"}', audio: { input: true, output: false } },
      { type: 'frame', session: 7, frame: { kind: 'audio', ...t, sampleRate: 48000, channels: 2, samples: Float32Array.from([0.5, -0.25, 1e-9, -1]) } },
      { type: 'frame', session: 7, node: 'cam', port: 'out', frame: { kind: 'video', ...t, streamId: 'cam', width: 1280, height: 720, data: video } },
      { type: 'frame', session: 7, node: 'level', frame: { kind: 'data', ...t, value: { rms_db: -9.03, nested: { a: [1, 2] } } } },
      { type: 'frame', session: 7, frame: { kind: 'data', ...t, bytes: Uint8Array.from([0xfc, 0, 1]), contentType: 'audio/opus' } },
      { type: 'frame', session: 7, frame: { kind: 'text', ...t, text: 'héllo' } },
      { type: 'done', session: 7, stats: { framesIn: 3, framesOut: 2, nodes: [{ id: 'a', p50: 0.1, p95: 0.2, count: 3 }], elapsedMs: 12 } },
    ];
    const reader = new WireReader();
    for (const m of msgs) {
      const chunks = chunkMessage(encodeMessage(m));
      if (m.type === 'frame' && m.frame.kind === 'video') {
        expect(chunks.length).toBe(Math.ceil((encodeMessage(m).length - 60 * 1024 + 5) / (60 * 1024 - 1)) + 1);
        expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(60 * 1024);
      }
      let got: WireMessage | undefined;
      for (const c of chunks) {
        expect(got).toBeUndefined();
        got = reader.push(c);
      }
      expect(got).toEqual(m);
    }
  });

  it('refuses malformed messages with a typed error and the byte offset, and reads on afterwards', () => {
    const cases: [Uint8Array, RegExp, number][] = [
      [new Uint8Array([0x09]), /unknown message type 0x09/, 0],
      [new Uint8Array([0x02, 0, 0, 0, 1, 0, 50, 0x7b]), /frame header of 50 bytes runs past the message/, 5],
      [Uint8Array.from([0x01, ...new TextEncoder().encode('{"type":"start","session":-1}')]), /session must be a whole number/, 1],
      [encodeMessage({ type: 'frame', session: 1, frame: { kind: 'audio', ...t, sampleRate: 16000, channels: 2, samples: new Float32Array(2) } }).slice(0, -4), /not whole float32 frames of 2 channels/, 0],
      [new Uint8Array([0x04, 1, 2]), /continuation chunk with no message begun/, 0],
    ];
    const reader = new WireReader();
    for (const [bytes, message, offset] of cases) {
      let error: unknown;
      try { reader.push(bytes); } catch (e) { error = e; }
      expect(error).toBeInstanceOf(RemoteError);
      expect((error as RemoteError).code).toBe('bad-message');
      expect((error as RemoteError).message).toMatch(message);
      if (offset) expect((error as RemoteError).offset).toBe(offset);
    }
    const huge = new Uint8Array(5);
    huge[0] = 0x03;
    new DataView(huge.buffer).setUint32(1, 64 * 1024 * 1024);
    expect(() => reader.push(huge)).toThrow(expect.objectContaining({ code: 'too-large' }));
    expect(reader.push(encodeMessage({ type: 'end', session: 3 }))).toEqual({ type: 'end', session: 3 });
    expect(() => decodeMessage(new Uint8Array([0x01, 0xff, 0xfe]))).toThrow(/not UTF-8/);
  });

  it('runs 5,000 cases of remote.wire without a failure', () => {
    const result = runFuzz(targets[0]!, { cases: 5000, seed: 0x5e7 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(0);
    expect(result.rejected).toBeGreaterThan(0);
  }, 60_000);
});
