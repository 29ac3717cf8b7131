/**
 * Fuzz targets for the witness verifier: the log line reader, the signed-note checkpoint
 * reader, and verifyLog over mutated whole logs (with their checkpoint). Only WitnessError may
 * escape the readers; verifyLog never throws, and must not call a changed log intact when
 * its checkpoint covers every line.
 */
import type { FuzzTarget } from '../../fuzz/engine.js';
import { NodeIdentity } from '../envelope/index.js';
import { parseCheckpoint } from './checkpoint.js';
import { parseEntryLine } from './entry.js';
import { WitnessError } from './errors.js';
import { WitnessLog } from './log.js';
import { verifyLog } from './verify.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const key = NodeIdentity.fromSeed(new Uint8Array(32).fill(0x77));
const log = WitnessLog.inMemory({ origin: 'spellbook.test/witness/fuzz', signer: { name: 'fuzz', signer: key } });
log.record({ type: 'join', room: 'lab', peerId: 'alice', at: T0 });
log.record({ type: 'join', room: 'lab', peerId: 'bob', at: T0 + 1 });
log.record({ type: 'offer', room: 'lab', peerId: 'alice', to: 'bob', sdpSha256: 'a'.repeat(64), at: T0 + 2 });
log.record({ type: 'answer', room: 'lab', peerId: 'bob', to: 'alice', sdpSha256: 'b'.repeat(64), at: T0 + 3 });
log.record({ type: 'leave', room: 'lab', peerId: 'bob', at: T0 + 4 });
const checkpoint = log.checkpoint();
const text = log.text();
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const isWitnessError = (error: unknown) => error instanceof WitnessError;

class FuzzMismatch extends Error {}

export const targets: FuzzTarget[] = [
  {
    name: 'witness.entry-line',
    seeds: text.trimEnd().split('\n').map((l) => encoder.encode(l)),
    run: (input) => parseEntryLine(decoder.decode(input)),
    isExpectedError: isWitnessError,
  },
  {
    name: 'witness.checkpoint',
    seeds: [encoder.encode(checkpoint), encoder.encode(checkpoint + checkpoint.split('\n\n')[1])],
    run: (input) => parseCheckpoint(decoder.decode(input)),
    isExpectedError: isWitnessError,
  },
  {
    name: 'witness.verify-log',
    seeds: [encoder.encode(text)],
    run: (input) => {
      const mutated = decoder.decode(input);
      const report = verifyLog(mutated, { checkpoints: [{ text: checkpoint }] });
      // The checkpoint covers the whole original: any other text of at least that many lines must fail.
      if (report.ok && mutated !== text) throw new FuzzMismatch('a changed log verified against a checkpoint covering all of it');
      if (!report.ok) throw new WitnessError('damaged-log', report.findings[0].message);
      return report;
    },
    isExpectedError: isWitnessError,
  },
];
