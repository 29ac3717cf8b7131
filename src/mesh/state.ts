/**
 * What a mesh agent keeps across restarts (browser-safe: no Node imports; the file-backed
 * store is state-file.ts):
 *
 * - the highest sequence number it may have used. A restarted agent with the same key starts
 *   above it, so receivers' replay windows (RFC 4303 section 3.4.3 style, src/envelope) never
 *   take its fresh messages for replays. Numbers are reserved in blocks before use, so a
 *   crash at any point only skips numbers, never reuses one;
 * - the acknowledged messages it delivered, by (sender, sequence number, nonce), until their
 *   TTL has run out. A sender retransmits a message until it is acknowledged; a receiver that
 *   delivered it and then restarted before its acknowledgement arrived must not deliver the
 *   retransmission again: it finds the record and acknowledges again instead.
 *
 * The journal is JSON lines (RFC 8259), one record a line: `{"r":n}` (sequence numbers up to n
 * reserved) or `{"d":[sender, sequence, nonce, expiresAtMs]}` (delivered). `parseMeshState`
 * reads it back, skipping what it cannot read (a line cut short by a crash, say) and counting
 * it; it never throws.
 */
import { MAX_STATE_LINE_CHARS } from './constants.js';

export interface DeliveredRecord {
  /** `if://agent/...` of the signer. */
  sender: string;
  sequence: number;
  nonce: string;
  /** Milliseconds since the epoch after which a copy of the message is refused as expired anyway. */
  expiresAt: number;
}

export interface MeshSavedState {
  /** Highest sequence number reserved (0: none). */
  sequenceReserved: number;
  /** Delivered acknowledged messages, unexpired ones only. */
  delivered: DeliveredRecord[];
}

/** Where a mesh agent keeps its state. Calls are synchronous: they happen before a send or an acknowledgement goes out. */
export interface MeshStateStore {
  /** What an earlier run saved (called once, when the agent is built). */
  load(): MeshSavedState;
  /** Sequence numbers up to `upTo` may be used from now on. */
  reserveSequences(upTo: number): void;
  /** An acknowledged message was handed to the application; its acknowledgement goes next. */
  delivered(record: DeliveredRecord): void;
}

const isRecord = (d: unknown): d is [string, number, string, number] =>
  Array.isArray(d) &&
  d.length === 4 &&
  typeof d[0] === 'string' &&
  d[0].length <= 256 &&
  Number.isSafeInteger(d[1]) &&
  (d[1] as number) >= 1 &&
  typeof d[2] === 'string' &&
  /^[0-9a-f]{24}$/.test(d[2]) &&
  Number.isSafeInteger(d[3]);

/** Reads a journal: unexpired deliveries (the last record of a key wins) and the highest reservation. */
export function parseMeshState(text: string, now = Date.now()): MeshSavedState & { skipped: number } {
  let sequenceReserved = 0;
  let skipped = 0;
  const delivered = new Map<string, DeliveredRecord>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      if (line.length > MAX_STATE_LINE_CHARS) throw new Error('line too long');
      value = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const v = value as { r?: unknown; d?: unknown } | null;
    if (v && typeof v === 'object' && Number.isSafeInteger(v.r) && (v.r as number) >= 0) sequenceReserved = Math.max(sequenceReserved, v.r as number);
    else if (v && typeof v === 'object' && isRecord(v.d)) {
      const [sender, sequence, nonce, expiresAt] = v.d;
      if (expiresAt > now) delivered.set(deliveredKey(sender, sequence, nonce), { sender, sequence, nonce, expiresAt });
    } else skipped++;
  }
  return { sequenceReserved, delivered: [...delivered.values()], skipped };
}

/** The journal lines of a state. */
export function formatMeshState(state: MeshSavedState): string {
  return [reservationLine(state.sequenceReserved), ...state.delivered.map(deliveredLine)].join('');
}

export const reservationLine = (upTo: number): string => `${JSON.stringify({ r: upTo })}\n`;
export const deliveredLine = (d: DeliveredRecord): string => `${JSON.stringify({ d: [d.sender, d.sequence, d.nonce, d.expiresAt] })}\n`;
export const deliveredKey = (sender: string, sequence: number, nonce: string): string => `${sender} ${sequence} ${nonce}`;

/** A store that lives as long as the object: survives an agent rebuilt in the same process, not a process restart. */
export function memoryMeshState(): MeshStateStore & { text(): string } {
  let journal = '';
  return {
    load: () => parseMeshState(journal),
    reserveSequences(upTo) {
      journal += reservationLine(upTo);
    },
    delivered(record) {
      journal += deliveredLine(record);
    },
    text: () => journal,
  };
}
