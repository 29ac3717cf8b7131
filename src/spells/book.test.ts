/**
 * `spell book`: the book reads back with `spell check` to the same spells with the same
 * seals (our own spellbook, and spells written as text with comments and as YAML), and
 * `--check` staleness ignores only the embedded test results.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookIsCurrent, renderBook, withoutResults } from './book.js';
import { analyzeDependencies } from './rules/drift.js';
import { indexSpells } from './rules/graph.js';
import { sealOf } from './seal.js';
import { Validator, loadSpellbook } from './validator.js';

const ROOT = join(import.meta.dirname, '..', '..');

function bookOf(paths: string[], results?: Parameters<typeof renderBook>[0]['results']) {
  const book = loadSpellbook(paths);
  const index = indexSpells(book.spells, []);
  const analysis = analyzeDependencies(index, book.manifest!);
  const report = new Validator({ paths }).run(book);
  return { book, text: renderBook({ index, manifest: book.manifest!, analysis, diagnostics: report.diagnostics, results }) };
}

/** Write `text` as a book next to a copy of the manifest's folder, parse it back, and return its spells' seals. */
function readBack(text: string, manifest: string) {
  const dir = mkdtempSync(join(tmpdir(), 'spell-book-'));
  const file = join(dir, 'WEBRTC_SPELLBOOK.md');
  writeFileSync(file, text);
  const report = new Validator({ paths: [file], manifest }).run();
  const spells = loadSpellbook([file], false).spells;
  return { report, seals: new Map(spells.map((s) => [s.name, sealOf(s)])) };
}

describe('spell book', () => {
  it('reads back with spell check to the same spells with the same seal hashes', () => {
    const { book, text } = bookOf([join(ROOT, 'spellbook')]);
    const { report, seals } = readBack(text, book.manifest!.path);
    expect([...seals.keys()].sort()).toEqual(book.spells.map((s) => s.name).sort());
    for (const spell of book.spells) expect(seals.get(spell.name), spell.name).toBe(sealOf(spell));
    const problems = report.diagnostics.filter((d) => d.rule.startsWith('syntax/') || d.rule.startsWith('schema/') || d.rule.startsWith('graph/') || d.rule.startsWith('file/'));
    expect(problems).toEqual([]);
    // The book is sealed, or stale, exactly where the spellbook is (the live spellbook may
    // hold a spell being edited while this runs).
    const stale = (r: { diagnostics: { rule: string; spell?: string }[] }) => r.diagnostics.filter((d) => d.rule === 'seal/stale').map((d) => d.spell).sort();
    expect(stale(report)).toEqual(stale(new Validator({ paths: [join(ROOT, 'spellbook')] }).run()));
  });

  it('round-trips spells written with comments and inline comments, and spells written in YAML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spell-book-forms-'));
    mkdirSync(join(dir, 'spellbook'));
    cpSync(join(import.meta.dirname, '__fixtures__', 'forms', 'multi.spell.yaml'), join(dir, 'spellbook', 'multi.spell.yaml'));
    writeFileSync(join(dir, 'spellbook', 'noted.spell'), [
      '# A comment before the spell',
      '#Spell: Noted',
      '^ Intent: Keep notes out of the book   # an inline comment',
      '# a comment inside the spell, which Markdown would read as a heading',
      '@Note',
      '  : string -> Note',
      '! Guarantee: notes survive',
      '- Exclusion: no *emphasis* lost',
      '> YamlOne',
      '',
      '[Implementation Notes]',
      'Free text in a section.',
      '',
      '[Test Cases]',
      '- keeps notes',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'spellbook', 'spellbook.yaml'), 'spells:\n  Noted:\n    module: src/noted\n');
    const { book, text } = bookOf([join(dir, 'spellbook')]);
    const { seals } = readBack(text, book.manifest!.path);
    expect([...seals.keys()].sort()).toEqual(['Noted', 'YamlOne', 'YamlTwo']);
    for (const spell of book.spells) expect(seals.get(spell.name), spell.name).toBe(sealOf(spell));
    expect(text).not.toMatch(/a comment inside the spell/);
    expect(text).toMatch(/^## #Spell: Noted\n/m);
    expect(text).toMatch(/_No module|does not exist/);
  });

  it('embeds test results only between the results markers, and --check compares without them', () => {
    const spellbook = join(ROOT, 'spellbook');
    const without = bookOf([spellbook]).text;
    const withResults = bookOf([spellbook], { label: 'reports/vitest.json', tests: [{ title: 'covers every rule that a spellbook on disk can trigger', fullTitle: 'rule fixtures > covers every rule that a spellbook on disk can trigger', file: join(ROOT, 'src/spells/rules.test.ts'), status: 'passed' }] }).text;
    expect(withResults).not.toBe(without);
    expect(withResults).toMatch(/Last results \(`reports\/vitest.json`\): \d+ of \d+ bound tests passed/);
    expect(withoutResults(withResults)).toBe(withoutResults(without));
    expect(bookIsCurrent(withResults, without)).toBe(true);
    expect(bookIsCurrent(without.replace('! Guarantee:', '! Guarantee: edited'), without)).toBe(false);
    expect(bookIsCurrent(without.replace(/\n/g, '\r\n'), without)).toBe(true);
  });

  it('is the same book on every run (no dates, no absolute paths, no machine-dependent order)', () => {
    const a = bookOf([join(ROOT, 'spellbook')]).text;
    const b = bookOf([join(ROOT, 'spellbook')]).text;
    expect(a).toBe(b);
    expect(a).not.toContain(ROOT);
    expect(a).not.toMatch(/\b20\d\d-\d\d-\d\d\b/);
  });
});
