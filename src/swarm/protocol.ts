/**
 * The swarm's wire format on the control data channel (reliable, ordered: RFC 8831 section
 * 6.1). Text messages are one JSON object each (RFC 8259) with a `t` naming the kind; binary
 * messages are artifact chunk frames. Every inbound message goes through `decodeControl` or
 * `decodeChunkFrame`, which check size, JSON shape and every field, and throw only
 * {@link SwarmMessageError} with a stable `reason` and the offending field or byte offset.
 *
 * Chunk frame (binary), all integers big-endian:
 *
 *      0                   1                   2                   3
 *      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |  kind = 0x01  |        transfer id (16 bytes) ...             |
 *     +-+-+-+-+-+-+-+-+                                               +
 *     |                          ...                                  |
 *     +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |      ...      |             chunk index (32 bits)             |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     |               |  data (1..16384 bytes) ...                    |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import {
  CHUNK_BYTES,
  CHUNK_FRAME_KIND,
  CHUNK_HEADER_BYTES,
  MAX_CONTROL_BYTES,
  MAX_ID_CHARS,
  MAX_NAME_CHARS,
  MAX_TYPE_CHARS,
  Messages,
} from './constants.js';
import { SwarmMessageError } from './errors.js';

export type Vote = 'yes' | 'no' | 'abstain';

/** A knowledge item as it travels: `origin` is the sharing agent, `ts` its clock (ms). */
export interface KnowledgeItem {
  id: string;
  topic: string;
  content: unknown;
  ts: number;
}

export type ControlMessage =
  | { t: 'ping'; n: number; ts: number }
  | { t: 'pong'; n: number; ts: number }
  | { t: 'caps'; capabilities: Record<string, unknown> }
  | { t: 'msg'; payload: { type: string; [key: string]: unknown } }
  | { t: 'task-request'; id: string; taskType: string; input: unknown; timeoutMs: number }
  | { t: 'task-accept'; id: string }
  | { t: 'task-refuse'; id: string; reason: string }
  | { t: 'task-progress'; id: string; progress: number; note?: string }
  | { t: 'task-result'; id: string; result: unknown }
  | { t: 'task-error'; id: string; message: string }
  | { t: 'task-cancel'; id: string }
  | { t: 'knowledge'; item: KnowledgeItem }
  | { t: 'consensus-request'; id: string; proposal: unknown; timeoutMs: number }
  | { t: 'consensus-vote'; id: string; vote: Vote }
  | { t: 'art-start'; xid: string; name: string; size: number; sha256: string; chunks: number }
  | { t: 'art-end'; xid: string }
  | { t: 'art-ack'; xid: string; ok: boolean; sha256: string };

export type ControlType = ControlMessage['t'];

export interface ChunkFrame {
  /** Transfer id, 32 hex characters. */
  xid: string;
  index: number;
  data: Uint8Array;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;

function bad(field: string, want: string): never {
  throw new SwarmMessageError('bad-field', Messages.badField(field, want), { field });
}

function str(o: Record<string, unknown>, field: string, max: number, min = 1): string {
  const v = o[field];
  if (typeof v !== 'string' || v.length < min || v.length > max) bad(field, `a string of ${min}..${max} characters`);
  return v;
}

function int(o: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(field, `an integer in ${min}..${max}`);
  return v;
}

function num(o: Record<string, unknown>, field: string, min: number, max: number): number {
  const v = o[field];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(field, `a number in ${min}..${max}`);
  return v;
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(field, 'an object');
  return v as Record<string, unknown>;
}

function has(o: Record<string, unknown>, field: string): unknown {
  if (!(field in o)) bad(field, 'present');
  return o[field];
}

const MAX_TS = 8.64e15;
const MAX_TIMEOUT_MS = 24 * 3600 * 1000;

/** UTF-8 length without allocating where the platform allows (Node's Buffer, else TextEncoder). */
export function utf8Length(text: string): number {
  const B = (globalThis as { Buffer?: { byteLength(s: string, e: string): number } }).Buffer;
  return B ? B.byteLength(text, 'utf8') : new TextEncoder().encode(text).length;
}

/** Validates one text message from a peer. Throws only SwarmMessageError. */
export function decodeControl(text: string, maxBytes = MAX_CONTROL_BYTES): ControlMessage {
  // A UTF-8 string is at most 3 bytes per UTF-16 unit: skip the exact count when it cannot exceed.
  if (text.length * 3 > maxBytes) {
    const size = utf8Length(text);
    if (size > maxBytes) throw new SwarmMessageError('too-large', Messages.tooLarge(size, maxBytes), { offset: maxBytes });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SwarmMessageError('not-json', Messages.notJson, { offset: 0 });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new SwarmMessageError('not-object', Messages.notObject, { offset: 0 });
  const o = parsed as Record<string, unknown>;
  const t = o.t;
  if (typeof t !== 'string') bad('t', 'a string');
  switch (t) {
    case 'ping':
    case 'pong':
      return { t, n: int(o, 'n', 0, Number.MAX_SAFE_INTEGER), ts: num(o, 'ts', 0, MAX_TS) };
    case 'caps':
      return { t, capabilities: obj(o.capabilities, 'capabilities') };
    case 'msg': {
      const payload = obj(o.payload, 'payload');
      if (typeof payload.type !== 'string' || payload.type.length < 1 || payload.type.length > MAX_TYPE_CHARS) bad('payload.type', `a string of 1..${MAX_TYPE_CHARS} characters`);
      return { t, payload: payload as { type: string } };
    }
    case 'task-request':
      return { t, id: str(o, 'id', MAX_ID_CHARS), taskType: str(o, 'taskType', MAX_TYPE_CHARS), input: has(o, 'input'), timeoutMs: int(o, 'timeoutMs', 1, MAX_TIMEOUT_MS) };
    case 'task-accept':
    case 'task-cancel':
      return { t, id: str(o, 'id', MAX_ID_CHARS) };
    case 'task-refuse':
      return { t, id: str(o, 'id', MAX_ID_CHARS), reason: str(o, 'reason', MAX_NAME_CHARS) };
    case 'task-progress': {
      const m: ControlMessage = { t, id: str(o, 'id', MAX_ID_CHARS), progress: num(o, 'progress', 0, 1) };
      if (o.note !== undefined) m.note = str(o, 'note', MAX_NAME_CHARS, 0);
      return m;
    }
    case 'task-result':
      return { t, id: str(o, 'id', MAX_ID_CHARS), result: has(o, 'result') };
    case 'task-error':
      return { t, id: str(o, 'id', MAX_ID_CHARS), message: str(o, 'message', 4096, 0) };
    case 'knowledge': {
      const item = obj(o.item, 'item');
      const id = typeof item.id === 'string' && item.id.length >= 1 && item.id.length <= MAX_ID_CHARS ? item.id : bad('item.id', `a string of 1..${MAX_ID_CHARS} characters`);
      const topic = typeof item.topic === 'string' && item.topic.length >= 1 && item.topic.length <= MAX_NAME_CHARS ? item.topic : bad('item.topic', `a string of 1..${MAX_NAME_CHARS} characters`);
      if (!('content' in item) || item.content === undefined) bad('item.content', 'present');
      const ts = typeof item.ts === 'number' && Number.isFinite(item.ts) && item.ts >= 0 && item.ts <= MAX_TS ? item.ts : bad('item.ts', 'a timestamp in ms');
      return { t, item: { id, topic, content: item.content, ts } };
    }
    case 'consensus-request':
      return { t, id: str(o, 'id', MAX_ID_CHARS), proposal: has(o, 'proposal'), timeoutMs: int(o, 'timeoutMs', 1, MAX_TIMEOUT_MS) };
    case 'consensus-vote': {
      const vote = o.vote;
      if (vote !== 'yes' && vote !== 'no' && vote !== 'abstain') bad('vote', "'yes', 'no' or 'abstain'");
      return { t, id: str(o, 'id', MAX_ID_CHARS), vote };
    }
    case 'art-start': {
      const xid = str(o, 'xid', 32, 32);
      if (!HEX32.test(xid)) bad('xid', '32 lowercase hex digits');
      const sha256 = str(o, 'sha256', 64, 64);
      if (!HEX64.test(sha256)) bad('sha256', '64 lowercase hex digits');
      const size = int(o, 'size', 0, Number.MAX_SAFE_INTEGER);
      const chunks = int(o, 'chunks', 0, Number.MAX_SAFE_INTEGER);
      if (chunks !== Math.ceil(size / CHUNK_BYTES)) bad('chunks', `ceil(size / ${CHUNK_BYTES})`);
      return { t, xid, name: str(o, 'name', MAX_NAME_CHARS), size, sha256, chunks };
    }
    case 'art-end': {
      const xid = str(o, 'xid', 32, 32);
      if (!HEX32.test(xid)) bad('xid', '32 lowercase hex digits');
      return { t, xid };
    }
    case 'art-ack': {
      const xid = str(o, 'xid', 32, 32);
      if (!HEX32.test(xid)) bad('xid', '32 lowercase hex digits');
      if (typeof o.ok !== 'boolean') bad('ok', 'a boolean');
      const sha256 = str(o, 'sha256', 64, 64);
      if (!HEX64.test(sha256)) bad('sha256', '64 lowercase hex digits');
      return { t, xid, ok: o.ok, sha256 };
    }
    default:
      throw new SwarmMessageError('unknown-type', Messages.unknownType(t.slice(0, MAX_TYPE_CHARS)), { field: 't' });
  }
}

/** Serialises a control message; the caller checks the size against the limit. */
export function encodeControl(message: ControlMessage): string {
  return JSON.stringify(message);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Builds one chunk frame (see the diagram above). */
export function encodeChunkFrame(xid: Uint8Array, index: number, data: Uint8Array): Uint8Array {
  const frame = new Uint8Array(CHUNK_HEADER_BYTES + data.length);
  frame[0] = CHUNK_FRAME_KIND;
  frame.set(xid, 1);
  new DataView(frame.buffer).setUint32(17, index);
  frame.set(data, CHUNK_HEADER_BYTES);
  return frame;
}

/** Validates one binary message from a peer. Throws only SwarmMessageError (with the byte offset). */
export function decodeChunkFrame(bytes: Uint8Array): ChunkFrame {
  if (bytes.length <= CHUNK_HEADER_BYTES) throw new SwarmMessageError('bad-frame', Messages.badFrame(`${bytes.length} bytes is no longer than the ${CHUNK_HEADER_BYTES}-byte header`), { offset: bytes.length });
  if (bytes.length > CHUNK_HEADER_BYTES + CHUNK_BYTES) throw new SwarmMessageError('too-large', Messages.tooLarge(bytes.length, CHUNK_HEADER_BYTES + CHUNK_BYTES), { offset: CHUNK_HEADER_BYTES + CHUNK_BYTES });
  if (bytes[0] !== CHUNK_FRAME_KIND) throw new SwarmMessageError('bad-frame', Messages.badFrame(`kind ${bytes[0]} is not ${CHUNK_FRAME_KIND}`), { offset: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { xid: toHex(bytes.subarray(1, 17)), index: view.getUint32(17), data: bytes.subarray(CHUNK_HEADER_BYTES) };
}
