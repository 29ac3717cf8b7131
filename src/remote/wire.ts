/**
 * What goes over the executor's data channel (RFC 8831, one reliable ordered channel): control
 * messages as JSON and pipeline frames as a small JSON header plus their raw bytes (float32
 * little-endian samples, I420 planes, data bytes), so audio and video cross without base64.
 * Messages larger than one chunk (browsers take 64 KiB without negotiation) are cut into
 * chunks that the reader joins; the channel is ordered and a sender never interleaves two
 * messages' chunks, so a chunked message arrives whole or the connection is gone.
 *
 * ```
 * 0x01 | UTF-8 JSON                                        control message
 * 0x02 | u32 session | u16 header length | header | bytes  frame
 * 0x03 | u32 total length | bytes                          first chunk of a longer message
 * 0x04 | bytes                                             next chunk
 * 0x05 | u32 session | bytes                               part of a package the caller sends (after `package`)
 * ```
 * Integers are big-endian (network order). Every decoding failure is a RemoteError
 * ('bad-message' with the byte offset, or 'too-large'), never a crash. Browser-safe (type
 * imports only): the conformance page speaks the protocol with this same file.
 */
import type { ExecutorCapabilities, Frame, FrameKind } from '../pipeline/index.js';
import { LIMITS } from './constants.js';
import { RemoteError } from './errors.js';

const CONTROL = 0x01;
const FRAME = 0x02;
const FIRST_CHUNK = 0x03;
const NEXT_CHUNK = 0x04;
const PACKAGE_DATA = 0x05;

export interface SessionStats {
  framesIn: number;
  framesOut: number;
  /** Per node, queued-to-processed latency on the executor, ms. */
  nodes: { id: string; p50: number; p95: number; count: number }[];
  elapsedMs: number;
  /** With the Opus track: packets in (lost, concealed samples) and out, and the executor's hop (packet in to packet out), ms. */
  audio?: { packetsIn: number; lostIn: number; concealedSamples: number; packetsOut: number; hop: { count: number; p50: number; p95: number; p99: number } };
}

export type ControlMessage =
  | { type: 'hello'; protocol: string; name: string; capabilities: ExecutorCapabilities }
  /**
   * Run a sub-pipeline (RemoteMedia v1 manifest, JSON text). Its input comes as frames of this
   * session, or with `audio.input` from the connection's Opus track; with `audio.output` the
   * output nodes' audio goes back on the Opus track instead of as frames.
   */
  | { type: 'start'; session: number; manifest?: string; audio?: TrackAudio; package?: string }
  /**
   * The caller sends a signed package (.rmpkg bytes, `size` of them, in `package-data` messages
   * of this session number), named by its package manifest's digest; the executor checks the
   * digest and verifies it with its own trust policy, then answers `package-stored`.
   */
  | { type: 'package'; session: number; digest: string; size: number }
  | { type: 'package-stored'; session: number; digest: string; name: string; signedBy: string }
  | { type: 'started'; session: number; nodes: string[]; digest: string }
  /**
   * The caller's input ended: flush and finish. With audio on the track, `audioUntilUs` is the
   * media time where the audio it sent ends: the executor waits for the track to get there.
   */
  | { type: 'end'; session: number; audioUntilUs?: number }
  /** Before the first output packet on the track: the rate and channels to decode it at. */
  | { type: 'audio-format'; session: number; sampleRate: number; channels: number }
  /** Stop now (the caller gave up). */
  | { type: 'stop'; session: number }
  | { type: 'done'; session: number; stats: SessionStats }
  | { type: 'error'; session?: number; code: string; message: string; nodeId?: string };

/**
 * A session's audio on the connection's Opus track (RFC 7587) instead of frames: `input` from
 * the caller, `output` back to it. With `absoluteTime` the RTP timestamps are the media time
 * (48 kHz ticks from 0, as our own callers send them) rather than counted from the first packet
 * (as a browser's random start needs).
 */
export interface TrackAudio {
  input?: boolean;
  output?: boolean;
  absoluteTime?: boolean;
}

/** A frame of a session: to the executor (input), or from it (`node` and `port` that emitted it). */
export interface FrameMessage {
  type: 'frame';
  session: number;
  node?: string;
  port?: string;
  frame: Frame;
}

/** Part of a package being sent (see the `package` control message). */
export interface PackageDataMessage {
  type: 'package-data';
  session: number;
  bytes: Uint8Array;
}

export type WireMessage = ControlMessage | FrameMessage | PackageDataMessage;

const CONTROL_TYPES = new Set(['hello', 'audio-format', 'start', 'started', 'end', 'stop', 'done', 'error', 'package', 'package-stored']);
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const KINDS: readonly FrameKind[] = ['audio', 'video', 'data', 'text'];
/** Bytes of one I420 picture (as spellbook/pipeline's i420Size; kept here so the file stays browser-safe). */
function i420Size(width: number, height: number): number {
  return width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function bad(message: string, offset: number): RemoteError {
  return new RemoteError('bad-message', `bad remote message at byte ${offset}: ${message}`, undefined, { offset });
}

/** One message as bytes (before chunking). */
export function encodeMessage(msg: WireMessage): Uint8Array {
  if (msg.type === 'package-data') {
    const out = new Uint8Array(5 + msg.bytes.length);
    out[0] = PACKAGE_DATA;
    new DataView(out.buffer).setUint32(1, msg.session >>> 0);
    out.set(msg.bytes, 5);
    return out;
  }
  if (msg.type !== 'frame') {
    const body = utf8.encode(JSON.stringify(msg));
    const out = new Uint8Array(1 + body.length);
    out[0] = CONTROL;
    out.set(body, 1);
    return out;
  }
  const f = msg.frame;
  const header: Record<string, unknown> = { k: f.kind, m: f.mediaTimeUs, c: f.captureTimeMs };
  if (f.streamId !== undefined) header.s = f.streamId;
  if (msg.node !== undefined) header.n = msg.node;
  if (msg.port !== undefined) header.p = msg.port;
  let payload: Uint8Array;
  switch (f.kind) {
    case 'audio':
      header.r = f.sampleRate;
      header.ch = f.channels;
      payload = float32Bytes(f.samples);
      break;
    case 'video':
      header.w = f.width;
      header.h = f.height;
      payload = f.data;
      break;
    case 'data':
      if (f.value !== undefined) header.v = f.value;
      if (f.contentType !== undefined) header.t = f.contentType;
      if (f.bytes) header.b = 1;
      payload = f.bytes ?? new Uint8Array(0);
      break;
    case 'text':
      header.x = f.text;
      payload = new Uint8Array(0);
      break;
  }
  const head = utf8.encode(JSON.stringify(header));
  if (head.length > 0xffff || head.length > LIMITS.maxHeaderBytes) throw new RemoteError('too-large', `frame header of ${head.length} bytes is over ${Math.min(0xffff, LIMITS.maxHeaderBytes)}`);
  const out = new Uint8Array(1 + 4 + 2 + head.length + payload.length);
  const view = new DataView(out.buffer);
  out[0] = FRAME;
  view.setUint32(1, msg.session >>> 0);
  view.setUint16(5, head.length);
  out.set(head, 7);
  out.set(payload, 7 + head.length);
  return out;
}

function float32Bytes(samples: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = new Uint8Array(samples.length * 4);
  const v = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) v.setFloat32(i * 4, samples[i]!, true);
  return out;
}

/** The chunks to send for one message (one chunk when it fits). */
export function chunkMessage(message: Uint8Array, chunkBytes: number = LIMITS.chunkBytes): Uint8Array[] {
  if (message.length > LIMITS.maxMessageBytes) throw new RemoteError('too-large', `message of ${message.length} bytes is over ${LIMITS.maxMessageBytes}`);
  if (message.length <= chunkBytes) return [message];
  const chunks: Uint8Array[] = [];
  const first = new Uint8Array(5 + chunkBytes - 5);
  first[0] = FIRST_CHUNK;
  new DataView(first.buffer).setUint32(1, message.length);
  first.set(message.subarray(0, chunkBytes - 5), 5);
  chunks.push(first);
  for (let at = chunkBytes - 5; at < message.length; at += chunkBytes - 1) {
    const part = message.subarray(at, Math.min(message.length, at + chunkBytes - 1));
    const c = new Uint8Array(1 + part.length);
    c[0] = NEXT_CHUNK;
    c.set(part, 1);
    chunks.push(c);
  }
  return chunks;
}

/**
 * Joins chunks and decodes messages. `push` returns the message a channel message completes,
 * or undefined while a chunked one is still arriving; it throws RemoteError on anything
 * malformed (the reader is then reset).
 */
export class WireReader {
  #pending: Uint8Array | undefined;
  #filled = 0;

  push(data: Uint8Array): WireMessage | undefined {
    if (data.length === 0) throw bad('empty message', 0);
    const tag = data[0]!;
    if (tag === FIRST_CHUNK) {
      if (this.#pending) { this.#reset(); throw bad('a new chunked message began before the last one ended', 0); }
      if (data.length < 5) throw bad('chunk header cut short', data.length);
      const total = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1);
      if (total > LIMITS.maxMessageBytes) throw new RemoteError('too-large', `message of ${total} bytes is over ${LIMITS.maxMessageBytes}`, undefined, { offset: 1 });
      if (total < data.length - 5) throw bad(`chunk longer than its message (${total} bytes)`, 1);
      this.#pending = new Uint8Array(total);
      this.#pending.set(data.subarray(5), 0);
      this.#filled = data.length - 5;
      return this.#complete();
    }
    if (tag === NEXT_CHUNK) {
      const pending = this.#pending;
      if (!pending) throw bad('a continuation chunk with no message begun', 0);
      const part = data.subarray(1);
      if (this.#filled + part.length > pending.length) { this.#reset(); throw bad(`chunks overrun their message of ${pending.length} bytes`, 1); }
      pending.set(part, this.#filled);
      this.#filled += part.length;
      return this.#complete();
    }
    if (this.#pending) { this.#reset(); throw bad('a whole message arrived inside a chunked one', 0); }
    return decodeMessage(data);
  }

  #complete(): WireMessage | undefined {
    const pending = this.#pending!;
    if (this.#filled < pending.length) return undefined;
    this.#reset();
    if (pending[0] === FIRST_CHUNK || pending[0] === NEXT_CHUNK) throw bad('a chunked message made of chunks', 0);
    return decodeMessage(pending);
  }

  #reset(): void {
    this.#pending = undefined;
    this.#filled = 0;
  }
}

function parseJson(bytes: Uint8Array, offset: number, what: string): unknown {
  let text: string;
  try {
    text = utf8Strict.decode(bytes);
  } catch {
    throw bad(`${what} is not UTF-8`, offset);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw bad(`${what} is not JSON (${(e as Error).message})`, offset);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSession = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
const posInt = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;

/** Decode one whole (unchunked) message. */
export function decodeMessage(data: Uint8Array): WireMessage {
  const tag = data[0];
  if (tag === CONTROL) {
    if (data.length - 1 > LIMITS.maxControlBytes) throw new RemoteError('too-large', `control message of ${data.length - 1} bytes is over ${LIMITS.maxControlBytes}`, undefined, { offset: 1 });
    return checkControl(parseJson(data.subarray(1), 1, 'control message'));
  }
  if (tag === PACKAGE_DATA) {
    if (data.length < 5) throw bad('package data header cut short', data.length);
    return { type: 'package-data', session: new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1), bytes: data.slice(5) };
  }
  if (tag !== FRAME) throw bad(`unknown message type 0x${(tag ?? 0).toString(16).padStart(2, '0')}`, 0);
  if (data.length < 7) throw bad('frame header cut short', data.length);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const session = view.getUint32(1);
  const headLength = view.getUint16(5);
  if (7 + headLength > data.length) throw bad(`frame header of ${headLength} bytes runs past the message`, 5);
  const h = parseJson(data.subarray(7, 7 + headLength), 7, 'frame header');
  if (!isObject(h)) throw bad('frame header must be an object', 7);
  const payload = data.subarray(7 + headLength);
  const at = 7 + headLength;
  const field = (ok: boolean, name: string, why: string) => { if (!ok) throw bad(`frame ${name} ${why}`, 7); };
  field(KINDS.includes(h.k as FrameKind), 'kind (k)', `must be one of ${KINDS.join(', ')}`);
  field(typeof h.m === 'number' && Number.isFinite(h.m), 'media time (m)', 'must be a finite number');
  field(typeof h.c === 'number' && Number.isFinite(h.c), 'capture time (c)', 'must be a finite number');
  field(h.s === undefined || typeof h.s === 'string', 'stream id (s)', 'must be a string');
  field(h.n === undefined || (typeof h.n === 'string' && h.n.length <= 256), 'node (n)', 'must be a string of at most 256 characters');
  field(h.p === undefined || (typeof h.p === 'string' && h.p.length <= 256), 'port (p)', 'must be a string of at most 256 characters');
  const timing = { mediaTimeUs: h.m as number, captureTimeMs: h.c as number, ...(h.s !== undefined ? { streamId: h.s as string } : {}) };
  let frame: Frame;
  switch (h.k as FrameKind) {
    case 'audio': {
      field(posInt(h.r, 384_000), 'sample rate (r)', 'must be a whole number from 1 to 384000');
      field(posInt(h.ch, 32), 'channels (ch)', 'must be a whole number from 1 to 32');
      if (payload.length % (4 * (h.ch as number)) !== 0) throw bad(`audio payload of ${payload.length} bytes is not whole float32 frames of ${h.ch as number} channels`, at);
      const samples = new Float32Array(payload.length / 4);
      if (LITTLE_ENDIAN) new Uint8Array(samples.buffer).set(payload);
      else { const v = new DataView(payload.buffer, payload.byteOffset, payload.byteLength); for (let i = 0; i < samples.length; i++) samples[i] = v.getFloat32(i * 4, true); }
      frame = { kind: 'audio', ...timing, sampleRate: h.r as number, channels: h.ch as number, samples };
      break;
    }
    case 'video': {
      field(posInt(h.w, 16384), 'width (w)', 'must be a whole number from 1 to 16384');
      field(posInt(h.h, 16384), 'height (h)', 'must be a whole number from 1 to 16384');
      if (payload.length !== i420Size(h.w as number, h.h as number)) throw bad(`video payload of ${payload.length} bytes is not one I420 picture of ${h.w as number}x${h.h as number}`, at);
      frame = { kind: 'video', ...timing, width: h.w as number, height: h.h as number, data: payload.slice() };
      break;
    }
    case 'data': {
      field(h.t === undefined || typeof h.t === 'string', 'content type (t)', 'must be a string');
      field(h.b === undefined || h.b === 1, 'bytes flag (b)', 'must be 1 when present');
      if (h.b === undefined && payload.length > 0) throw bad('data frame with bytes but no bytes flag', at);
      frame = { kind: 'data', ...timing, ...(h.v !== undefined ? { value: h.v } : {}), ...(h.t !== undefined ? { contentType: h.t as string } : {}), ...(h.b === 1 ? { bytes: payload.slice() } : {}) };
      break;
    }
    case 'text':
      field(typeof h.x === 'string', 'text (x)', 'must be a string');
      if (payload.length > 0) throw bad('text frame with a payload', at);
      frame = { kind: 'text', ...timing, text: h.x as string };
      break;
  }
  return { type: 'frame', session, ...(h.n !== undefined ? { node: h.n as string } : {}), ...(h.p !== undefined ? { port: h.p as string } : {}), frame };
}

function checkControl(v: unknown): ControlMessage {
  if (!isObject(v)) throw bad('control message must be an object', 1);
  const need = (ok: boolean, field: string, why: string) => { if (!ok) throw bad(`control '${String(v.type)}': ${field} ${why}`, 1); };
  need(typeof v.type === 'string' && CONTROL_TYPES.has(v.type), 'type', `must be one of ${[...CONTROL_TYPES].join(', ')}`);
  if (v.type !== 'hello' && v.type !== 'error') need(isSession(v.session), 'session', 'must be a whole number from 0 to 2^32-1');
  switch (v.type) {
    case 'hello': {
      need(typeof v.protocol === 'string', 'protocol', 'must be a string');
      need(typeof v.name === 'string' && v.name.length <= 256, 'name', 'must be a string of at most 256 characters');
      const c = v.capabilities;
      need(isObject(c), 'capabilities', 'must be an object');
      const caps = c as Record<string, unknown>;
      const strings = (x: unknown) => Array.isArray(x) && x.length <= 1024 && x.every((s) => typeof s === 'string');
      need(typeof caps.cores === 'number' && caps.cores >= 0, 'capabilities.cores', 'must be a number >= 0');
      need(typeof caps.memoryGb === 'number' && caps.memoryGb >= 0, 'capabilities.memoryGb', 'must be a number >= 0');
      need(typeof caps.arch === 'string', 'capabilities.arch', 'must be a string');
      need(strings(caps.accelerators), 'capabilities.accelerators', 'must be a list of strings');
      need(strings(caps.nodeTypes), 'capabilities.nodeTypes', 'must be a list of strings');
      need(strings(caps.features), 'capabilities.features', 'must be a list of strings');
      break;
    }
    case 'start': {
      need((typeof v.manifest === 'string') !== (typeof v.package === 'string'), 'manifest', 'or package must be given, one of them (the manifest JSON, or a package reference)');
      need(v.manifest === undefined || typeof v.manifest === 'string', 'manifest', 'must be a string (the manifest JSON)');
      need(v.package === undefined || (typeof v.package === 'string' && v.package.length <= 2048), 'package', 'must be a reference of at most 2048 characters');
      const a = v.audio as Record<string, unknown> | undefined;
      const flag = (x: unknown) => x === undefined || typeof x === 'boolean';
      need(a === undefined || (isObject(a) && flag(a.input) && flag(a.output) && flag(a.absoluteTime)), 'audio', 'must be {input?, output?, absoluteTime?: boolean}');
      break;
    }
    case 'package':
      need(typeof v.digest === 'string' && DIGEST.test(v.digest), 'digest', 'must be sha256: and 64 lowercase hex digits');
      need(Number.isSafeInteger(v.size) && (v.size as number) > 0, 'size', 'must be a whole number of bytes above 0');
      break;
    case 'package-stored':
      need(typeof v.digest === 'string' && DIGEST.test(v.digest), 'digest', 'must be sha256: and 64 lowercase hex digits');
      need(typeof v.name === 'string' && typeof v.signedBy === 'string', 'name', 'and signedBy must be strings');
      break;
    case 'end':
      need(v.audioUntilUs === undefined || (typeof v.audioUntilUs === 'number' && Number.isFinite(v.audioUntilUs) && v.audioUntilUs >= 0), 'audioUntilUs', 'must be a finite number >= 0');
      break;
    case 'audio-format':
      need(v.sampleRate === 8000 || v.sampleRate === 12000 || v.sampleRate === 16000 || v.sampleRate === 24000 || v.sampleRate === 48000, 'sampleRate', 'must be 8000, 12000, 16000, 24000 or 48000');
      need(v.channels === 1 || v.channels === 2, 'channels', 'must be 1 or 2');
      break;
    case 'started':
      need(Array.isArray(v.nodes) && v.nodes.every((s) => typeof s === 'string'), 'nodes', 'must be a list of node ids');
      need(typeof v.digest === 'string', 'digest', 'must be a string');
      break;
    case 'done': {
      need(isObject(v.stats), 'stats', 'must be an object');
      const s = v.stats as Record<string, unknown>;
      need(typeof s.framesIn === 'number' && typeof s.framesOut === 'number' && typeof s.elapsedMs === 'number' && Array.isArray(s.nodes), 'stats', 'must have framesIn, framesOut, elapsedMs and nodes');
      break;
    }
    case 'error':
      need(v.session === undefined || isSession(v.session), 'session', 'must be a whole number from 0 to 2^32-1');
      need(typeof v.code === 'string', 'code', 'must be a string');
      need(typeof v.message === 'string', 'message', 'must be a string');
      need(v.nodeId === undefined || typeof v.nodeId === 'string', 'nodeId', 'must be a string');
      break;
  }
  return v as ControlMessage;
}
