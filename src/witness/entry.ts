/**
 * Witness log entries: one JSON line per signaling event, written as RFC 8785 canonical JSON
 * so the bytes hashed into the tree are a function of the entry alone:
 *
 *   {"at":"2026-12-01T12:00:00.000Z","index":0,"peerId":"p1","prev":"000…","room":"lab","type":"join"}
 *
 * `index` is explicit (0, 1, 2, ...); `prev` is the hex RFC 9162 leaf hash of the previous
 * line (64 zeros for the first), so a changed entry is named by the entry after it. Offers and
 * answers carry `to` and `sdpSha256` (SHA-256 of the SDP), never the SDP or any address.
 */
import { canonicalize, parseJson, sha256, toHex, EnvelopeError } from '../envelope/index.js';
import { EVENT_TYPES, ID_PATTERN, MAX_LINE_BYTES, SHA256_HEX } from './constants.js';
import { WitnessError } from './errors.js';

export type WitnessEventType = (typeof EVENT_TYPES)[number];

/** What the signaling server reports. `at` is milliseconds since the epoch or an RFC 3339 string. */
export interface WitnessEvent {
  type: WitnessEventType;
  room: string;
  peerId: string;
  /** The addressed peer (offer and answer). */
  to?: string;
  /** Lowercase hex SHA-256 of the SDP text (offer and answer). */
  sdpSha256?: string;
  at: number | string;
}

export interface WitnessEntry {
  index: number;
  type: WitnessEventType;
  room: string;
  peerId: string;
  to?: string;
  sdpSha256?: string;
  /** RFC 3339, UTC, milliseconds. */
  at: string;
  /** Hex leaf hash of the previous line. */
  prev: string;
}

const EVENT_KEYS = new Set(['type', 'room', 'peerId', 'to', 'sdpSha256', 'at']);
const ENTRY_KEYS = new Set(['index', 'type', 'room', 'peerId', 'to', 'sdpSha256', 'at', 'prev']);
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Problems with an event's fields, or undefined. Shared by record() and the line reader. */
function fieldProblem(v: Record<string, unknown>): string | undefined {
  if (!EVENT_TYPES.includes(v.type as WitnessEventType)) return `type must be one of ${EVENT_TYPES.join(', ')}`;
  if (typeof v.room !== 'string' || !ID_PATTERN.test(v.room)) return 'room must be an id (1-128 of A-Z a-z 0-9 . _ : @ + -)';
  if (typeof v.peerId !== 'string' || !ID_PATTERN.test(v.peerId)) return 'peerId must be an id';
  const signaling = v.type === 'offer' || v.type === 'answer';
  if (signaling) {
    if (typeof v.to !== 'string' || !ID_PATTERN.test(v.to)) return `${String(v.type)} needs 'to' (an id)`;
    if (typeof v.sdpSha256 !== 'string' || !SHA256_HEX.test(v.sdpSha256)) return `${String(v.type)} needs 'sdpSha256' (64 lowercase hex)`;
  } else if (v.to !== undefined || v.sdpSha256 !== undefined) {
    return `${String(v.type)} carries no 'to' or 'sdpSha256'`;
  }
  return undefined;
}

/** Normalise an event (UTC timestamp), refusing unknown fields and bad values (WitnessError). */
export function normalizeEvent(event: WitnessEvent): Omit<WitnessEntry, 'index' | 'prev'> {
  const raw = event as unknown as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object') throw new WitnessError('bad-event', 'not an object');
  for (const key of Object.keys(raw)) if (!EVENT_KEYS.has(key)) throw new WitnessError('unknown-field', `'${key.slice(0, 40)}'`);
  const problem = fieldProblem(raw);
  if (problem) throw new WitnessError('bad-event', problem);
  const ms = typeof event.at === 'number' ? event.at : Date.parse(event.at);
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799999) throw new WitnessError('bad-event', "'at' must be a time");
  const out: Omit<WitnessEntry, 'index' | 'prev'> = { type: event.type, room: event.room, peerId: event.peerId, at: new Date(ms).toISOString() };
  if (event.to !== undefined) out.to = event.to;
  if (event.sdpSha256 !== undefined) out.sdpSha256 = event.sdpSha256;
  return out;
}

/** The line (without newline) for an entry. */
export function entryLine(entry: WitnessEntry): string {
  return canonicalize(entry);
}

/** Read one log line (without its newline). Throws WitnessError with column 1 of `lineNumber`. */
export function parseEntryLine(line: string, lineNumber = 1): WitnessEntry {
  if (line.length > MAX_LINE_BYTES) throw new WitnessError('line-too-long', `more than ${MAX_LINE_BYTES} bytes`, lineNumber, 1);
  let value: unknown;
  try {
    value = parseJson(line);
  } catch (error) {
    if (error instanceof EnvelopeError) throw new WitnessError('bad-entry', error.message, lineNumber, error.column ?? 1);
    throw error;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new WitnessError('bad-entry', 'not an object', lineNumber, 1);
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!ENTRY_KEYS.has(key)) throw new WitnessError('bad-entry', `unknown member '${key.slice(0, 40)}'`, lineNumber, 1);
  if (!Number.isSafeInteger(v.index) || (v.index as number) < 0) throw new WitnessError('bad-entry', 'index must be a whole number >= 0', lineNumber, 1);
  if (typeof v.prev !== 'string' || !SHA256_HEX.test(v.prev)) throw new WitnessError('bad-entry', 'prev must be 64 lowercase hex', lineNumber, 1);
  if (typeof v.at !== 'string' || !RFC3339_UTC.test(v.at) || Number.isNaN(Date.parse(v.at))) throw new WitnessError('bad-entry', "'at' must be an RFC 3339 UTC time with milliseconds", lineNumber, 1);
  const problem = fieldProblem(v);
  if (problem) throw new WitnessError('bad-entry', problem, lineNumber, 1);
  let canonical: string;
  try {
    canonical = canonicalize(v);
  } catch (error) {
    throw new WitnessError('bad-entry', error instanceof Error ? error.message : String(error), lineNumber, 1);
  }
  if (canonical !== line) throw new WitnessError('not-canonical', undefined, lineNumber, 1);
  return v as unknown as WitnessEntry;
}

/** What a signaling server sees when it relays or admits: the raw SDP is hashed here and dropped. */
export interface SignalingObservation {
  type: WitnessEventType;
  room: string;
  peerId: string;
  to?: string;
  /** The offer or answer text as relayed; only its SHA-256 is kept. */
  sdp?: string;
  /** Default: now. */
  at?: number;
}

/**
 * The witness event for a signaling observation: the adapter a server's event hook calls
 * (`log.record(eventFromSignaling(...))`), so the SDP never reaches the log and no address
 * is taken from the connection.
 */
export function eventFromSignaling(o: SignalingObservation): WitnessEvent {
  const event: WitnessEvent = { type: o.type, room: o.room, peerId: o.peerId, at: o.at ?? Date.now() };
  if (o.to !== undefined) event.to = o.to;
  if (o.sdp !== undefined) event.sdpSha256 = toHex(sha256(o.sdp));
  return event;
}
