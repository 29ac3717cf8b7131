/** A real witness log written by WitnessLog, and the ways tests damage copies of it. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncSigner } from '../../envelope/index.js';
import { WitnessLog } from '../log.js';

export const T0 = Date.parse('2026-12-01T12:00:00.000Z');

/** Write a 12-entry log of a signaling session to a temporary file; returns its path and a signed checkpoint. */
export function writeSessionLog(signer: SyncSigner, name = 'log'): { dir: string; path: string; checkpoint: string; lines: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'witness-'));
  const path = join(dir, 'signaling.jsonl');
  const log = WitnessLog.open(path, { origin: 'spellbook.test/witness/lab', signer: { name, signer } });
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  let t = T0;
  for (const p of ['alice', 'bob', 'carol', 'dave']) log.record({ type: 'join', room: 'lab', peerId: p, at: (t += 5) });
  for (const [from, to] of [['alice', 'bob'], ['alice', 'carol'], ['bob', 'dave']]) {
    log.record({ type: 'offer', room: 'lab', peerId: from, to, sdpSha256: sha(`offer ${from} ${to}`), at: (t += 5) });
    log.record({ type: 'answer', room: 'lab', peerId: to, to: from, sdpSha256: sha(`answer ${to} ${from}`), at: (t += 5) });
  }
  log.record({ type: 'leave', room: 'lab', peerId: 'carol', at: (t += 5) });
  log.record({ type: 'leave', room: 'lab', peerId: 'dave', at: (t += 5) });
  const checkpoint = log.checkpoint();
  log.close();
  return { dir, path, checkpoint, lines: readFileSync(path, 'utf8').trimEnd().split('\n') };
}

const join_ = (lines: string[]) => lines.map((l) => l + '\n').join('');

/** Damaged copies of a log's lines, by kind, with the 1-based line and index a verifier must name. */
export function damagedCopies(lines: string[]): Record<string, { text: string; line: number; index: number }> {
  const modified = [...lines];
  modified[4] = modified[4].replace('"peerId":"alice"', '"peerId":"mallory"');
  const deleted = lines.filter((_, i) => i !== 5);
  const inserted = [...lines.slice(0, 7), lines[3], ...lines.slice(7)];
  const reordered = [...lines];
  [reordered[6], reordered[7]] = [reordered[7], reordered[6]];
  return {
    modified: { text: join_(modified), line: 5, index: 4 },
    deleted: { text: join_(deleted), line: 6, index: 5 },
    inserted: { text: join_(inserted), line: 8, index: 3 },
    reordered: { text: join_(reordered), line: 8, index: 6 },
    truncated: { text: join_(lines.slice(0, 9)), line: 10, index: 9 },
    'root-mismatch': { text: join_([...lines.slice(0, -1), lines[lines.length - 1].replace('"dave"', '"erin"')]), line: 12, index: 11 },
  };
}
