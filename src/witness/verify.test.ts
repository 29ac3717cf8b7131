import { describe, expect, it } from 'vitest';
import { NodeIdentity } from '../envelope/index.js';
import { noteVerifier } from './checkpoint.js';
import { damagedCopies, writeSessionLog } from './__fixtures__/damage.js';
import { verifyLog } from './verify.js';

const key = NodeIdentity.fromSeed(new Uint8Array(32).fill(0x55));
const other = NodeIdentity.fromSeed(new Uint8Array(32).fill(0x56));
const { lines, checkpoint } = writeSessionLog(key);
const intact = lines.map((l) => l + '\n').join('');
const damaged = damagedCopies(lines);
const keys = [noteVerifier('log', key.publicKey)];

describe('verifyLog', () => {
  it('an intact log with its checkpoint verifies, signed by the given key', () => {
    const report = verifyLog(intact, { checkpoints: [{ text: checkpoint }], keys });
    expect(report.findings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.size).toBe(12);
    expect(report.checkpoints).toEqual([{ file: 'checkpoint', origin: 'spellbook.test/witness/lab', size: 12, signedBy: ['log'] }]);
  });

  function expectNamed(kind: 'modified' | 'deleted' | 'inserted' | 'reordered'): void {
    const { text, line, index } = damaged[kind];
    const report = verifyLog(text);
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ kind, line, index, file: 'log' });
    expect(report.findings.filter((f) => f.kind !== kind)).toEqual([]);
  }
  it('names the line and index of a modified entry', () => expectNamed('modified'));
  it('names the line and index of a deleted entry', () => expectNamed('deleted'));
  it('names the line and index of an inserted entry', () => expectNamed('inserted'));
  it('names the line and index of a reordered entry', () => expectNamed('reordered'));

  it('a truncated log passes alone but fails against a checkpoint already seen', () => {
    const { text, line, index } = damaged.truncated;
    expect(verifyLog(text).ok).toBe(true); // a cut tail looks honest without a signed head
    const report = verifyLog(text, { checkpoints: [{ text: checkpoint }], keys });
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ kind: 'truncated', line, index });
    expect(report.findings[0].message).toMatch(/has 9 entries.*covers 12/);
  });

  it('a changed last entry is caught only by the checkpoint root', () => {
    const { text, line, index } = damaged['root-mismatch'];
    expect(verifyLog(text).ok).toBe(true);
    const report = verifyLog(text, { checkpoints: [{ text: checkpoint }], keys });
    expect(report.findings.map((f) => [f.kind, f.line, f.index])).toEqual([['root-mismatch', line, index]]);
  });

  it('a checkpoint not signed by the given key, a malformed one, a torn last line and a rewritten line are findings', () => {
    const wrongKey = verifyLog(intact, { checkpoints: [{ text: checkpoint, file: 'cp' }], keys: [noteVerifier('log', other.publicKey)] });
    expect(wrongKey.findings.map((f) => [f.kind, f.file, f.line])).toEqual([['checkpoint-signature', 'cp', 5]]);
    const malformed = verifyLog(intact, { checkpoints: [{ text: checkpoint.replace(/^12$/m, 'twelve'), file: 'cp' }] });
    expect(malformed.findings.map((f) => [f.kind, f.line])).toEqual([['checkpoint-malformed', 2]]);
    const torn = verifyLog(intact + lines[0].slice(0, 20));
    expect(torn.findings.map((f) => [f.kind, f.line])).toEqual([['torn-line', 13]]);
    const spaced = verifyLog(intact.replace(lines[2], lines[2].replace('","', '", "')));
    expect(spaced.findings.map((f) => [f.kind, f.line])).toEqual([['not-canonical', 3]]);
    const garbage = verifyLog(intact.replace(lines[2], '{"index":2'));
    expect(garbage.findings[0]).toMatchObject({ kind: 'malformed', line: 3 });
    expect(verifyLog('').ok).toBe(true);
  });
});
