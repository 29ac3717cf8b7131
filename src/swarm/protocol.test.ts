import { describe, expect, it } from 'vitest';
import { runFuzz } from '../../fuzz/engine.js';
import { CHUNK_BYTES, MAX_CONTROL_BYTES } from './constants.js';
import { SwarmMessageError } from './errors.js';
import { decodeChunkFrame, decodeControl, encodeChunkFrame, encodeControl } from './protocol.js';
import { summarize } from './stats.js';
import { controlTarget, frameTarget } from './swarm.fuzz.js';

function reject(text: string): SwarmMessageError {
  try {
    decodeControl(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SwarmMessageError);
    return e as SwarmMessageError;
  }
  throw new Error(`accepted ${text}`);
}

describe('swarm wire protocol', () => {
  it('decodes every control message type it encodes', () => {
    const m = { t: 'task-request', id: 'x1', taskType: 'sum', input: [1, 2], timeoutMs: 100 } as const;
    expect(decodeControl(encodeControl(m))).toEqual(m);
    expect(decodeControl('{"t":"consensus-vote","id":"c","vote":"no"}')).toEqual({ t: 'consensus-vote', id: 'c', vote: 'no' });
  });

  it('rejects malformed control messages with a stable reason and the field', () => {
    expect(reject('nope').reason).toBe('not-json');
    expect(reject('[1]').reason).toBe('not-object');
    expect(reject('{"t":"teleport"}').reason).toBe('unknown-type');
    const missing = reject('{"t":"task-result","id":"a"}');
    expect([missing.reason, missing.location.field]).toEqual(['bad-field', 'result']);
    const vote = reject('{"t":"consensus-vote","id":"a","vote":"maybe"}');
    expect(vote.location.field).toBe('vote');
    const topic = reject('{"t":"knowledge","item":{"id":"k","topic":"","content":1,"ts":1}}');
    expect(topic.location.field).toBe('item.topic');
    const big = reject(JSON.stringify({ t: 'msg', payload: { type: 'x', s: 'a'.repeat(MAX_CONTROL_BYTES) } }));
    expect(big.reason).toBe('too-large');
    expect(big.code).toBe('bad-message');
    expect(reject('{"t":"art-start","xid":"0123456789abcdef0123456789abcdef","name":"n","size":20000,"sha256":"' + 'a'.repeat(64) + '","chunks":1}').location.field).toBe('chunks');
  });

  it('chunk frames round-trip and bad frames fail with a byte offset', () => {
    const xid = new Uint8Array(16).fill(0xab);
    const data = new Uint8Array(CHUNK_BYTES).fill(9);
    const f = decodeChunkFrame(encodeChunkFrame(xid, 42, data));
    expect(f.xid).toBe('ab'.repeat(16));
    expect(f.index).toBe(42);
    expect(f.data).toEqual(data);
    const tooBig = encodeChunkFrame(xid, 0, new Uint8Array(CHUNK_BYTES + 1));
    expect(() => decodeChunkFrame(tooBig)).toThrow(SwarmMessageError);
    const wrongKind = encodeChunkFrame(xid, 0, new Uint8Array(4));
    wrongKind[0] = 2;
    expect(() => decodeChunkFrame(wrongKind)).toThrow(expect.objectContaining({ reason: 'bad-frame', location: { offset: 0 } }));
    expect(() => decodeChunkFrame(new Uint8Array(21))).toThrow(SwarmMessageError);
  });

  it('fuzzes the control decoder with 3,000 mutated messages and only typed errors', () => {
    const result = runFuzz(controlTarget, { cases: 3000, seed: 8 });
    expect(result.failures).toEqual([]);
    expect(result.accepted).toBeGreaterThan(30);
    expect(result.rejected).toBeGreaterThan(30);
  });

  it('fuzzes the chunk frame decoder with 3,000 mutated frames and only typed errors', () => {
    const result = runFuzz(frameTarget, { cases: 3000, seed: 9 });
    expect(result.failures).toEqual([]);
    expect(result.rejected).toBeGreaterThan(30);
  });

  it('summarizes round trips by nearest rank', () => {
    expect(summarize([])).toEqual({ samples: 0, p50: null, p95: null, p99: null });
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect([s.p50, s.p95, s.p99]).toEqual([50, 95, 99]);
  });
});
