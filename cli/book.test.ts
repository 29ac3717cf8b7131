/**
 * End-to-end through bin/spell.js: `spell book` (write, --check, round trip through
 * `spell check`), `spell graph --code`, and the drift and empty-file rules' exit codes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'spell.js');
const RULES = join(ROOT, 'src', 'spells', '__fixtures__', 'rules');

function spell(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function copyOf(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'spell-book-cli-'));
  cpSync(join(RULES, fixture), dir, { recursive: true });
  return dir;
}

describe('spell book', () => {
  it('writes the book, which spell check reads back with the same seals, and --check says when it is stale', () => {
    const dir = copyOf('drift__undeclared-dependency/pass');
    expect(spell(['seal', 'Alpha', 'Beta', '--paths', dir]).code).toBe(0);
    const book = join(dir, 'docs', 'BOOK.md');
    const written = spell(['book', dir, '--out', book, '--no-results']);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toMatch(/wrote .*BOOK\.md: 2 spells, no test results/);
    const text = readFileSync(book, 'utf8');
    expect(text).toMatch(/^## #Spell: Alpha$/m);
    expect(text).toMatch(/```mermaid\ngraph LR/);
    expect(text).toMatch(/- \[x\] Seal hash current: `sha256:[0-9a-f]{64}`/);
    // Read back: the same spells, sealed and current (no seal/stale), nothing malformed.
    const check = spell(['check', book, '--manifest', join(dir, 'spellbook.yaml'), '-f', 'json']);
    const rules = (JSON.parse(check.stdout) as { diagnostics: { rule: string }[] }).diagnostics.map((d) => d.rule);
    expect(rules.filter((r) => r === 'seal/stale' || r.startsWith('syntax/') || r.startsWith('graph/'))).toEqual([]);
    const spells = (JSON.parse(check.stdout) as { spells: { name: string; sealed: boolean }[] }).spells;
    expect(spells.map((s) => [s.name, s.sealed])).toEqual([['Beta', true], ['Alpha', true]]); // dependencies first

    expect(spell(['book', dir, '--out', book, '--check']).code).toBe(0);
    // Results never make the book stale; a changed spell does.
    writeFileSync(book, text.replace(/<!-- results -->[\s\S]*?<!-- \/results -->/, '<!-- results -->\nLast results: 2 of 2 passed on another machine.\n<!-- /results -->'));
    expect(spell(['book', dir, '--out', book, '--check']).code).toBe(0);
    writeFileSync(join(dir, 'alpha.spell'), readFileSync(join(dir, 'alpha.spell'), 'utf8').replace('no network access', 'no disk access'));
    const stale = spell(['book', dir, '--out', book, '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/BOOK\.md is stale \(first difference at line \d+\); run 'npx spell book'/);
    expect(spell(['book', dir, '--out', join(dir, 'none.md'), '--check']).code).toBe(1);
  });

  it('embeds the results of a vitest report between the results markers', () => {
    const dir = copyOf('map__test-failed/fail');
    const book = join(dir, 'BOOK.md');
    expect(spell(['book', dir, '--out', book, '--results', join(dir, 'results.json')]).code).toBe(0);
    const text = readFileSync(book, 'utf8');
    expect(text).toMatch(/<!-- results -->\nLast results \(`results\.json`\): 1 of 2 bound tests passed\.[\s\S]*\| parses text \| failed \|[\s\S]*<!-- \/results -->/);
    expect(spell(['book', dir, '--out', book, '--results', join(dir, 'alpha.spell')]).code).toBe(2);
    expect(spell(['book', 'no/such/dir']).code).toBe(2);
  });
});

describe('spell graph --code and the drift rules', () => {
  it('draws the imports next to the declared edges with drift highlighted, in mermaid and dot', () => {
    const undeclared = spell(['graph', '--code', join(RULES, 'drift__undeclared-dependency', 'fail')]);
    expect(undeclared.code).toBe(0);
    expect(undeclared.stdout).toMatch(/Alpha ==>\|"UNDECLARED; 1 import"\| Beta/);
    expect(undeclared.stdout).toMatch(/linkStyle 0 stroke:#c62828/);
    const reversed = spell(['graph', '--code', '--format', 'dot', join(RULES, 'drift__reversed-dependency', 'fail')]);
    expect(reversed.stdout).toMatch(/"Alpha" -> "Beta" \[label="declared; REVERSED in the code", color="#c62828".*style=dashed\]/);
    expect(reversed.stdout).toMatch(/"Beta" -> "Alpha" \[label="1 import; not declared this way", color="#c62828"/);
    const agreed = spell(['graph', '--code', join(RULES, 'drift__edge-without-import', 'pass')]);
    expect(agreed.stdout).toMatch(/Alpha -->\|"declared; 1 import, 1 type-only"\| Beta/);
  });

  it('exits 0 on drift and an empty spell file by default, 1 under --strict; an edge without import never fails', () => {
    const drift = join(RULES, 'drift__reversed-dependency', 'fail');
    expect(spell(['check', drift]).stdout).toMatch(/alpha\.spell:5:1 +warning +'> Beta' says Alpha uses Beta, but the code goes the other way/);
    expect(spell(['check', drift]).code).toBe(0);
    expect(spell(['check', drift, '--strict']).stdout).toMatch(/alpha\.spell:5:1 +error .*drift\/reversed-dependency/);
    const empty = join(RULES, 'file__empty', 'fail');
    expect(spell(['check', empty]).code).toBe(0);
    expect(spell(['check', join(empty, 'empty.spell'), '--strict']).code).toBe(1);
    const info = spell(['check', join(RULES, 'drift__edge-without-import', 'fail'), '-f', 'compact']);
    expect(info.stdout).toMatch(/alpha\.spell: line 5, col 1, Info - '> Beta': moda and modb import nothing from each other.* \(drift\/edge-without-import\)/);
  });
});
