/**
 * Fuzz targets for the swarm's inbound message decoders: text control messages
 * (`decodeControl`) and binary chunk frames (`decodeChunkFrame`). The only exception allowed
 * out of either is SwarmMessageError, which carries a field or a byte offset.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { SwarmMessageError } from './errors.js';
import { decodeChunkFrame, decodeControl, encodeChunkFrame } from './protocol.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

const CONTROL_SEEDS = [
  { t: 'ping', n: 1, ts: 1700000000000 },
  { t: 'pong', n: 7, ts: 1700000000000 },
  { t: 'caps', capabilities: { gpu: true, models: ['a', 'b'] } },
  { t: 'msg', payload: { type: 'chat', text: 'héllo ✓', n: [1, 2, { x: null }] } },
  { t: 'task-request', id: 'abc', taskType: 'sum', input: [1, 2, 3], timeoutMs: 5000 },
  { t: 'task-accept', id: 'abc' },
  { t: 'task-refuse', id: 'abc', reason: 'busy' },
  { t: 'task-progress', id: 'abc', progress: 0.5, note: 'half' },
  { t: 'task-result', id: 'abc', result: { sum: 6 } },
  { t: 'task-error', id: 'abc', message: 'boom' },
  { t: 'task-cancel', id: 'abc' },
  { t: 'knowledge', item: { id: 'k1', topic: 'weather', content: { temp: 21 }, ts: 1700000000000 } },
  { t: 'consensus-request', id: 'c1', proposal: { deploy: 'v2' }, timeoutMs: 1000 },
  { t: 'consensus-vote', id: 'c1', vote: 'yes' },
  { t: 'art-start', xid: '0123456789abcdef0123456789abcdef', name: 'model.bin', size: 40000, sha256: 'a'.repeat(64), chunks: 3 },
  { t: 'art-end', xid: '0123456789abcdef0123456789abcdef' },
  { t: 'art-ack', xid: '0123456789abcdef0123456789abcdef', ok: true, sha256: 'b'.repeat(64) },
].map((m) => enc.encode(JSON.stringify(m)));

const xid = new Uint8Array(16).map((_, i) => i * 7);
const FRAME_SEEDS = [encodeChunkFrame(xid, 0, new Uint8Array(100).fill(3)), encodeChunkFrame(xid, 65535, new Uint8Array(1).fill(255))];

const isExpectedError = (e: unknown) => e instanceof SwarmMessageError && (e.location.field !== undefined || e.location.offset !== undefined);

export const controlTarget: FuzzTarget = {
  name: 'swarm.control',
  seeds: CONTROL_SEEDS,
  run: (input) => decodeControl(dec.decode(input)),
  isExpectedError,
};

export const frameTarget: FuzzTarget = {
  name: 'swarm.chunk-frame',
  seeds: FRAME_SEEDS,
  run: (input) => decodeChunkFrame(input),
  isExpectedError,
};

export const targets: FuzzTarget[] = [controlTarget, frameTarget];
