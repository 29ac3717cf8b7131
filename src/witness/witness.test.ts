import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeIdentity, fromBase64, sha256, toHex } from '../envelope/index.js';
import {
  checkpointSigners,
  cosignCheckpoint,
  formatVerifierKey,
  noteVerifier,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  signNote,
} from './checkpoint.js';
import { WitnessError } from './errors.js';
import { eventFromSignaling } from './entry.js';
import { WitnessLog } from './log.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { verifyLog } from './verify.js';

const T0 = Date.parse('2026-12-01T12:00:00.000Z');
const logKey = NodeIdentity.fromSeed(new Uint8Array(32).fill(0x33));
const witnessKey = NodeIdentity.fromSeed(new Uint8Array(32).fill(0x44));
const sdpHash = (s: string) => toHex(sha256(s));

/** A realistic session: three peers join, offer/answer pairs, one leaves. */
function session(log: WitnessLog, rounds = 3): void {
  let t = T0;
  for (const p of ['alice', 'bob', 'carol']) log.record({ type: 'join', room: 'lab', peerId: p, at: (t += 10) });
  for (let r = 0; r < rounds; r++) {
    log.record({ type: 'offer', room: 'lab', peerId: 'alice', to: 'bob', sdpSha256: sdpHash(`offer ${r}`), at: (t += 10) });
    log.record({ type: 'answer', room: 'lab', peerId: 'bob', to: 'alice', sdpSha256: sdpHash(`answer ${r}`), at: (t += 10) });
  }
  log.record({ type: 'leave', room: 'lab', peerId: 'carol', at: (t += 10) });
}

function caught(fn: () => unknown): WitnessError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WitnessError) return error;
    throw error;
  }
  throw new Error('expected a WitnessError');
}

describe('WitnessLog', () => {
  it('records one canonical JSON line per event with an explicit index, SDP only as SHA-256', () => {
    const log = WitnessLog.inMemory({ origin: 'spellbook.test/witness/lab', signer: logKey });
    session(log);
    const lines = log.text().trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(`{"at":"2026-12-01T12:00:00.010Z","index":0,"peerId":"alice","prev":"${'0'.repeat(64)}","room":"lab","type":"join"}`);
    expect(lines.map((l) => (JSON.parse(l) as { index: number }).index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(JSON.parse(lines[3])).toMatchObject({ type: 'offer', to: 'bob', sdpSha256: sdpHash('offer 0') });
    expect((JSON.parse(lines[1]) as { prev: string }).prev).toBe(toHex(leafHash(new TextEncoder().encode(lines[0]))));
    const report = verifyLog(log.text());
    expect(report.ok).toBe(true);
    expect(report.size).toBe(10);
  });

  it('refuses events with raw SDP, addresses or unknown fields, and malformed events', () => {
    const log = WitnessLog.inMemory({ origin: 'o' });
    const base = { type: 'offer' as const, room: 'lab', peerId: 'a', to: 'b', sdpSha256: sdpHash('x'), at: T0 };
    expect(caught(() => log.record({ ...base, sdp: 'v=0...' } as never)).code).toBe('unknown-field');
    expect(caught(() => log.record({ ...base, address: '10.0.0.1' } as never)).code).toBe('unknown-field');
    expect(caught(() => log.record({ ...base, sdpSha256: 'v=0' })).code).toBe('bad-event');
    expect(caught(() => log.record({ ...base, to: undefined })).code).toBe('bad-event');
    expect(caught(() => log.record({ type: 'join', room: 'lab', peerId: 'a', to: 'b', at: T0 })).code).toBe('bad-event');
    expect(caught(() => log.record({ type: 'kick' as never, room: 'lab', peerId: 'a', at: T0 })).code).toBe('bad-event');
    expect(caught(() => log.record({ type: 'join', room: 'has space', peerId: 'a', at: T0 })).code).toBe('bad-event');
    expect(caught(() => log.record({ type: 'join', room: 'lab', peerId: 'a', at: 'yesterday' })).code).toBe('bad-event');
    expect(log.size).toBe(0);
  });

  it('the signaling adapter keeps only the SHA-256 of a relayed SDP', () => {
    const log = WitnessLog.inMemory({ origin: 'o' });
    const sdp = 'v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\n';
    log.record(eventFromSignaling({ type: 'join', room: 'lab', peerId: 'a', at: T0 }));
    const entry = log.record(eventFromSignaling({ type: 'offer', room: 'lab', peerId: 'a', to: 'b', sdp, at: T0 + 1 }));
    expect(entry.sdpSha256).toBe(sdpHash(sdp));
    expect(log.text()).not.toContain('192.0.2.7');
    expect(log.text()).not.toContain('v=0');
    expect(verifyLog(log.text()).ok).toBe(true);
  });

  it('appends to an existing file after verifying it, and refuses to extend a damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'witness-log-'));
    const path = join(dir, 'signaling.jsonl');
    const first = WitnessLog.open(path, { origin: 'o', signer: logKey });
    session(first, 1);
    const root6 = first.root();
    first.close();
    const again = WitnessLog.open(path, { origin: 'o', signer: logKey });
    expect(again.size).toBe(6);
    expect(Buffer.from(again.root(6)).toString('hex')).toBe(Buffer.from(root6).toString('hex'));
    again.record({ type: 'leave', room: 'lab', peerId: 'bob', at: T0 + 1000 });
    again.close();
    expect(verifyLog(readFileSync(path, 'utf8')).ok).toBe(true);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace('"peerId":"bob","prev"', '"peerId":"eve","prev"'));
    const error = caught(() => WitnessLog.open(path, { origin: 'o' }));
    expect(error.code).toBe('damaged-log');
    expect(error.message).toMatch(/modified/);
  });

  it('gives inclusion and consistency proofs that verify against signed checkpoints', () => {
    const log = WitnessLog.inMemory({ origin: 'spellbook.test/witness/lab', signer: logKey });
    session(log, 1);
    const older = parseCheckpoint(log.checkpoint());
    session(log, 2);
    const newer = parseCheckpoint(log.checkpoint());
    expect([older.size, newer.size]).toEqual([6, 14]);
    expect(verifyConsistency(older.size, newer.size, older.rootHash, newer.rootHash, log.consistencyProof(older.size, newer.size))).toBe(true);
    const lines = log.text().trimEnd().split('\n');
    for (const i of [0, 5, 13]) {
      expect(verifyInclusion(leafHash(new TextEncoder().encode(lines[i])), i, newer.size, log.inclusionProof(i, newer.size), newer.rootHash)).toBe(true);
    }
    expect(caught(() => WitnessLog.inMemory({ origin: 'o' }).checkpoint()).code).toBe('no-signer');
  });
});

describe('signed checkpoints (C2SP signed-note)', () => {
  it('reproduces the signed-note example of golang.org/x/mod/sumdb/note byte for byte', () => {
    // PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALV...: 0x01 then the Ed25519 seed.
    const seed = fromBase64('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz')!.subarray(1);
    const peter = NodeIdentity.fromSeed(seed);
    const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    const note = signNote(text, { name: 'PeterNeumann', signer: peter });
    expect(note).toBe(`${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`);
    const vkey = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(formatVerifierKey(noteVerifier('PeterNeumann', peter.publicKey))).toBe('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    expect(checkpointSigners(parseNote(note), [vkey]).map((v) => v.name)).toEqual(['PeterNeumann']);
    expect(checkpointSigners(parseNote(note.replace('cryptography', 'cryptographY')), [vkey])).toEqual([]);
    expect(caught(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).code).toBe('bad-key');
    // transparency-dev/formats' test key has a '+' inside its base64.
    expect(parseVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6').name).toBe('TEST');
  });

  it('writes origin, size and base64 root, and a second key can cosign the same body', () => {
    const log = WitnessLog.inMemory({ origin: 'spellbook.test/witness/lab', signer: { name: 'log', signer: logKey } });
    session(log, 1);
    const note = log.checkpoint();
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual(['spellbook.test/witness/lab', '6', Buffer.from(log.root()).toString('base64'), '']);
    expect(lines[4]).toMatch(/^\u2014 log [A-Za-z0-9+/]{91}=$/);
    const cosigned = cosignCheckpoint(note, { name: 'witness', signer: witnessKey });
    expect(cosigned.startsWith(note)).toBe(true);
    const both = checkpointSigners(parseCheckpoint(cosigned), [noteVerifier('log', logKey.publicKey), noteVerifier('witness', witnessKey.publicKey)]);
    expect(both.map((v) => v.name)).toEqual(['log', 'witness']);
    // A cosignature under another body does not count.
    const forged = cosigned.replace(/^6$/m, '7');
    expect(checkpointSigners(parseCheckpoint(forged), [noteVerifier('log', logKey.publicKey), noteVerifier('witness', witnessKey.publicKey)])).toEqual([]);
  });

  it('refuses malformed notes and checkpoints with the line of the problem', () => {
    const note = WitnessLog.inMemory({ origin: 'o', signer: logKey }).checkpoint();
    const cases: [string, string, number][] = [
      [note.replace('\n\n', '\n'), 'bad-note', 1],
      [note.replace(/\n$/, ''), 'bad-note', 1],
      [note.replace('\u2014 ', '- '), 'bad-note', 5],
      [note.replace(/^0$/m, '00'), 'bad-checkpoint', 2],
      [note.replace(/^0$/m, '-1'), 'bad-checkpoint', 2],
      [note.replace(/^o$/m, ''), 'bad-checkpoint', 1],
      [note.replace(/^([A-Za-z0-9+/=]{44})$/m, 'AAAA'), 'bad-checkpoint', 3],
      ['o\n0\n' + 'A'.repeat(43) + '=\n\n', 'bad-note', 5],
      [note.replace('o\n', 'o\u0007\n'), 'bad-note', 1],
    ];
    for (const [text, code, line] of cases) expect(caught(() => parseCheckpoint(text))).toMatchObject({ code, line });
  });
});
