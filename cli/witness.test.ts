import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeIdentity } from '../src/envelope/index.js';
import { damagedCopies, writeSessionLog } from '../src/witness/__fixtures__/damage.js';
import { runSpell } from './__fixtures__/run-spell.js';

describe('spell witness', () => {
  it('spell witness verify exits 0 on an intact log and 1 naming line, index and kind for each damaged copy', () => {
    const keygen = writeSessionLog(NodeIdentity.generate()); // only for its folder
    const keyFile = join(keygen.dir, 'log.key');
    expect(runSpell(['mesh', 'keygen', '--out', keyFile]).code).toBe(0);
    const { dir, path, lines } = writeSessionLog(NodeIdentity.fromKeyFile(keyFile));
    const cp = join(dir, 'checkpoint');
    const signed = runSpell(['witness', 'checkpoint', path, '--key', keyFile, '--origin', 'spellbook.test/witness/lab', '-o', cp]);
    expect(signed.code).toBe(0);
    const ok = runSpell(['witness', 'verify', path, '--checkpoint', cp, '--key', keyFile]);
    expect(ok.stdout).toMatch(/✔ .*signaling\.jsonl: 12 entries intact, root [A-Za-z0-9+/]{43}=/);
    expect(ok.stdout).toMatch(/checkpoint .*size 12 matches, signed by [a-z2-7]{26}/);
    expect(ok.code).toBe(0);

    for (const [kind, damage] of Object.entries(damagedCopies(lines))) {
      const copy = join(dir, `${kind}.jsonl`);
      writeFileSync(copy, damage.text);
      const run = runSpell(['witness', 'verify', copy, '--checkpoint', cp, '--key', keyFile]);
      expect(run.code, `${kind}: ${run.stdout}${run.stderr}`).toBe(1);
      expect(run.stdout).toContain(`${copy}:${damage.line}:1  error  `);
      expect(run.stdout).toMatch(new RegExp(`\\(index ${damage.index}\\)  witness/${kind}\\n`));
    }
    // A log shorter than the checkpoint: the truncation is named even though every line is intact.
    const compact = runSpell(['witness', 'verify', join(dir, 'truncated.jsonl'), '--checkpoint', cp, '-f', 'compact']);
    expect(compact.stdout).toMatch(/truncated\.jsonl: line 10, col 1, Error - log is shorter than a checkpoint already seen \(truncated\).*\(witness\/truncated\)/);
    // Signed by someone else.
    const otherKey = join(dir, 'other.key');
    runSpell(['mesh', 'keygen', '--out', otherKey]);
    const wrong = runSpell(['witness', 'verify', path, '--checkpoint', cp, '--key', otherKey]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/checkpoint:5:1 {2}error {2}checkpoint carries no valid signature by the given key.* {2}witness\/checkpoint-signature/);
    // Usage errors exit 2.
    expect(runSpell(['witness', 'verify', join(dir, 'missing.jsonl')]).code).toBe(2);
  }, 180_000);

  it('spell witness cosign, vkey and proof inclusion/consistency work on a real log', () => {
    const a = NodeIdentity.generate();
    const { dir, path } = writeSessionLog(a);
    const logKey = join(dir, 'log.key');
    const witnessKey = join(dir, 'witness.key');
    runSpell(['mesh', 'keygen', '--out', logKey]);
    runSpell(['mesh', 'keygen', '--out', witnessKey]);
    const cp = join(dir, 'cp');
    runSpell(['witness', 'checkpoint', path, '--key', logKey, '--origin', 'o', '--name', 'log', '-o', cp]);
    const cosigned = runSpell(['witness', 'cosign', cp, '--key', witnessKey, '--name', 'witness']);
    expect(cosigned.code, cosigned.stderr).toBe(0);
    expect(cosigned.stdout.startsWith(readFileSync(cp, 'utf8'))).toBe(true);
    expect(cosigned.stdout.split('\n').filter((l) => l.startsWith('\u2014 ')).map((l) => l.split(' ')[1])).toEqual(['log', 'witness']);
    writeFileSync(join(dir, 'cp2'), cosigned.stdout);
    const vkey = runSpell(['witness', 'vkey', witnessKey, '--name', 'witness']).stdout.trim();
    expect(vkey).toMatch(/^witness\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}[A-Za-z0-9+/=]$/);
    const verified = runSpell(['witness', 'verify', path, '--checkpoint', join(dir, 'cp2'), '--key', vkey]);
    expect(verified.code, verified.stderr + verified.stdout).toBe(0);
    const inclusion = runSpell(['witness', 'proof', 'inclusion', path, '--index', '5']);
    expect(inclusion.code).toBe(0);
    expect(JSON.parse(inclusion.stdout)).toMatchObject({ index: 5, size: 12, verified: true });
    expect((JSON.parse(inclusion.stdout) as { proof: string[] }).proof).toHaveLength(4);
    const consistency = runSpell(['witness', 'proof', 'consistency', path, '--from', '7', '--to', '12']);
    expect(JSON.parse(consistency.stdout)).toMatchObject({ from: 7, to: 12, verified: true });
    expect(runSpell(['witness', 'proof', 'inclusion', path, '--index', '12']).code).toBe(2);
  }, 180_000);
});
