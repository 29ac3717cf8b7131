/**
 * `fileMeshState(path)`: the mesh agent's state (state.ts) in a JSON-lines journal on disk.
 * Each reservation and delivery is appended with one synchronous write before the send or
 * acknowledgement it covers, so it survives the process being killed (the operating
 * system's page cache holds it); `fsync: true` also flushes each write to the device, for
 * power loss. On load the journal is compacted (expired deliveries dropped) by writing a new
 * file and renaming it over the old one, and again whenever it grows past
 * STATE_COMPACT_LINES with most lines stale.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { STATE_COMPACT_LINES } from './constants.js';
import { deliveredKey, deliveredLine, formatMeshState, parseMeshState, reservationLine, type DeliveredRecord, type MeshSavedState, type MeshStateStore } from './state.js';

export interface FileMeshStateOptions {
  /** fsync after every write (default false: survives a killed process, not a power cut). */
  fsync?: boolean;
  /** Milliseconds since the epoch (default Date.now). */
  clock?: () => number;
}

export function fileMeshState(path: string, options: FileMeshStateOptions = {}): MeshStateStore & { readonly path: string; readonly skipped: number } {
  const clock = options.clock ?? Date.now;
  let reserved = 0;
  let skipped = 0;
  let lines = 0;
  const live = new Map<string, DeliveredRecord>();

  const rewrite = (state: MeshSavedState) => {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, formatMeshState(state), { mode: 0o600 });
    if (options.fsync) {
      const fd = openSync(tmp, 'r');
      fsyncSync(fd);
      closeSync(fd);
    }
    renameSync(tmp, path);
    lines = 1 + state.delivered.length;
  };
  const append = (line: string) => {
    if (options.fsync) {
      const fd = openSync(path, 'a', 0o600);
      try {
        appendFileSync(fd, line);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } else appendFileSync(path, line, { mode: 0o600 });
    if (++lines > STATE_COMPACT_LINES && lines > 2 * (live.size + 1)) compact();
  };
  const compact = () => {
    const now = clock();
    for (const [k, d] of live) if (d.expiresAt <= now) live.delete(k);
    rewrite({ sequenceReserved: reserved, delivered: [...live.values()] });
  };

  return {
    path,
    get skipped() {
      return skipped;
    },
    load() {
      const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
      const state = parseMeshState(text, clock());
      skipped = state.skipped;
      reserved = state.sequenceReserved;
      live.clear();
      for (const d of state.delivered) live.set(deliveredKey(d.sender, d.sequence, d.nonce), d);
      rewrite({ sequenceReserved: reserved, delivered: state.delivered });
      return { sequenceReserved: reserved, delivered: state.delivered };
    },
    reserveSequences(upTo) {
      reserved = Math.max(reserved, upTo);
      append(reservationLine(upTo));
    },
    delivered(record) {
      live.set(deliveredKey(record.sender, record.sequence, record.nonce), record);
      append(deliveredLine(record));
    },
  };
}
