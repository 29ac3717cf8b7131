/**
 * Fuzz target for what an executor and a caller read from each other:
 * - `remote.wire`: a WireReader fed mutated sequences of data channel messages (control
 *   messages, frames of every kind, and a chunked message); only RemoteError 'bad-message'
 *   (with its byte offset) or 'too-large' may escape, and a reader that refused a message
 *   still reads the next good one.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { RemoteError } from './errors.js';
import { chunkMessage, encodeMessage, WireReader, type WireMessage } from './wire.js';

const t = { mediaTimeUs: 40_000, captureTimeMs: 1_764_633_600_000.5 };
const SAMPLES: WireMessage[] = [
  { type: 'hello', protocol: 'spellbook-remote/1', name: 'x', capabilities: { cores: 2, memoryGb: 24, arch: 'x64', accelerators: [], nodeTypes: ['PassThrough'], features: ['sub-pipeline'] } },
  { type: 'start', session: 1, manifest: '{"version":"v1","metadata":{"name":"a"},"nodes":[],"connections":[]}', audio: { input: true } },
  { type: 'frame', session: 1, frame: { kind: 'audio', ...t, sampleRate: 16000, channels: 2, samples: Float32Array.from([0.1, -0.2, 0.3, -0.4]) } },
  { type: 'frame', session: 1, node: 'n', port: 'out', frame: { kind: 'video', ...t, width: 2, height: 2, data: new Uint8Array(6) } },
  { type: 'frame', session: 2, node: 'level', frame: { kind: 'data', ...t, value: { rms_db: -9 }, bytes: Uint8Array.from([1, 2]), contentType: 'audio/opus' } },
  { type: 'frame', session: 3, frame: { kind: 'text', ...t, streamId: 's', text: 'hi' } },
  { type: 'done', session: 1, stats: { framesIn: 1, framesOut: 1, nodes: [], elapsedMs: 3 } },
  { type: 'error', session: 1, code: 'node-failed', message: 'x', nodeId: 'n' },
];

/** Messages joined as [u16 length][bytes]... so the fuzzer mutates whole sequences (shared with packages.fuzz.ts). */
export function pack(messages: Uint8Array[]): Uint8Array {
  const total = messages.reduce((n, m) => n + 2 + m.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const m of messages) {
    out[at] = m.length >> 8;
    out[at + 1] = m.length & 0xff;
    out.set(m, at + 2);
    at += 2 + m.length;
  }
  return out;
}

function seeds(): Uint8Array[] {
  const one = SAMPLES.map((m) => pack([encodeMessage(m)]));
  const chunked = pack(chunkMessage(encodeMessage(SAMPLES[3]!), 8));
  return [...one, chunked, pack(SAMPLES.map((m) => encodeMessage(m)))];
}

export const targets: FuzzTarget[] = [
  {
    name: 'remote.wire',
    seeds: seeds(),
    run(input) {
      const reader = new WireReader();
      let read = 0;
      let refused: RemoteError | undefined;
      for (let at = 0; at + 2 <= input.length;) {
        const length = (input[at]! << 8) | input[at + 1]!;
        const message = input.subarray(at + 2, Math.min(input.length, at + 2 + length));
        at += 2 + length;
        try {
          if (reader.push(message)) read++;
        } catch (e) {
          if (!(e instanceof RemoteError) || (e.code !== 'bad-message' && e.code !== 'too-large')) throw e;
          refused ??= e;
        }
      }
      // After anything malformed the reader still reads a good message (a second try when
      // the first ends a chunked message left half-read, which resets it).
      const good = encodeMessage(SAMPLES[7]!);
      let again: WireMessage | undefined;
      try { again = reader.push(good); } catch { again = reader.push(good); }
      if (again?.type !== 'error') throw new Error('the reader did not recover');
      if (refused) {
        if (refused.code === 'bad-message' && !Number.isInteger(refused.offset)) throw new Error('bad-message without a byte offset');
        throw refused;
      }
      return read;
    },
    isExpectedError: (e) => e instanceof RemoteError && (e.code === 'bad-message' || e.code === 'too-large'),
  },
];
