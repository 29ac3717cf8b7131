import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindInvocation } from './bind.js';
import { FormatError, formatSpellSource } from './fmt.js';
import { parseSpellSource } from './files.js';
import { sealOf } from './seal.js';

const FIXTURES = join(import.meta.dirname, '__fixtures__');

function spellFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return spellFiles(path);
    return /\.(spell|md)$/.test(name) ? [path] : [];
  });
}

const MESSY = '#Alpha   \r\n^intent:   Parse   text\r\n   into trees\r\n@ Parser\r\n    :string→Tree\r\n      !GUARANTEE: never throws   # why: fuzzed\r\n\r\n\r\n\r\n# keep this comment\r\n-   exclusion:no network\r\n>A,#B\r\n$ PROVE: round trip→test: parses text\r\n[Test Cases]\r\n*    parses text\r\n';

describe('spell fmt', () => {
  it('rewrites a messy spell into the canonical layout', () => {
    expect(formatSpellSource('x.spell', MESSY)).toBe([
      '#Spell: Alpha',
      '^ Intent: Parse   text',
      '  into trees',
      '@Parser',
      '  : string -> Tree',
      '  ! Guarantee: never throws # why: fuzzed',
      '',
      '# keep this comment',
      '- Exclusion: no network',
      '> A, #B',
      '$ prove: round trip -> test: parses text',
      '[Test Cases]',
      '* parses text',
      '',
    ].join('\n'));
  });

  it('is idempotent and keeps every spell and its seal, on every fixture', () => {
    const files = [...spellFiles(join(FIXTURES, 'forms')), ...spellFiles(join(FIXTURES, 'rules')), ...spellFiles(join(FIXTURES, 'report'))];
    expect(files.length).toBeGreaterThan(30);
    let refused = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      let once: string;
      try {
        once = formatSpellSource(file, text);
      } catch (error) {
        expect(error).toBeInstanceOf(FormatError);
        refused++;
        continue;
      }
      expect(formatSpellSource(file, once), file).toBe(once);
      const before = parseSpellSource(file, text.replace(/^\ufeff/, '')).spells.map(sealOf);
      const after = parseSpellSource(file, once.replace(/^\ufeff/, '')).spells.map(sealOf);
      expect(after, file).toEqual(before);
    }
    expect(refused).toBeLessThan(10); // only the fixtures that exist to show syntax errors
  });

  it("never turns text that starts with '#' into a comment: a '#' right after a label, an arrow or a comma stays joined", () => {
    for (const line of ['! Guarantee:# printing is lossless', '!# kept', ': A -># B', '$ prove: x -> test:# t', '$ require:# r']) {
      const text = `#Spell: Beta\n^ Intent: Print a tree back to text.\n${line}\n- Exclusion: no pretty printing\n`;
      const once = formatSpellSource('f.spell', text);
      expect(formatSpellSource('f.spell', once), line).toBe(once);
      expect(parseSpellSource('f.spell', once).spells.map(sealOf), line).toEqual(parseSpellSource('f.spell', text).spells.map(sealOf));
    }
  });

  it('refuses to format a file with syntax errors and says where', () => {
    expect(() => formatSpellSource('x.spell', '#A\n^ ok\n% what\n')).toThrow(/cannot format: x\.spell:3:1 unknown glyph '%'/);
  });

  it('leaves Markdown prose and fenced examples byte for byte', () => {
    const book = readFileSync(join(FIXTURES, 'forms', 'book.md'), 'utf8');
    const out = formatSpellSource('book.md', book);
    for (const prose of ['Some *prose* about the book. It is ignored.', '#Spell: NotASpell', '_An italic line between spells._', 'title: A book of spells']) {
      expect(out).toContain(prose);
    }
    expect(out).toContain('  : CaptureOptions -> Frame');
  });
});

describe('spell bind', () => {
  const spell = '#Spell: Relay\n^ Intent: Relay messages.\n! Guarantee: every message is validated\n- Exclusion: no storage\n[Test Cases]\n- relays a message\n';

  it('binds an invocation that keeps every line, whatever its spacing, labels and surrounding prose', () => {
    const invocation = 'You are implementing a relay.\n\n^   intent: Relay messages.\n!every message is validated\n- no storage\nExtra context for the agent.\n[Test Cases]\n-   relays a message\n';
    expect(bindInvocation('r.spell', spell, 'task.md', invocation)).toMatchObject({ spell: 'Relay', bound: true, missing: [] });
  });

  it('lists the spell lines an invocation dropped, with their line numbers', () => {
    const invocation = '#Spell: Relay\n^ Intent: Relay messages.\n- Exclusion: no storage\n';
    const result = bindInvocation('r.spell', spell, 'task.spell', invocation);
    expect(result.bound).toBe(false);
    expect(result.missing).toEqual([
      { line: 3, text: '! every message is validated' },
      { line: 5, text: '[Test Cases]' },
      { line: 6, text: '- relays a message' },
    ]);
  });

  it('fails on extra glyph lines only with denyExtra', () => {
    const invocation = spell + '! Guarantee: also compresses\n';
    expect(bindInvocation('r.spell', spell, 'task.spell', invocation).bound).toBe(true);
    const strict = bindInvocation('r.spell', spell, 'task.spell', invocation, { denyExtra: true });
    expect(strict).toMatchObject({ bound: false, extra: [{ line: 7, text: '! also compresses' }] });
  });
});
