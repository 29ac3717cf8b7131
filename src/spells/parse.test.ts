import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpellFile } from './files.js';
import { parseSpellText } from './parse-text.js';
import { decodeSpellSource } from './source.js';

const FORMS = join(import.meta.dirname, '__fixtures__', 'forms');

describe('text spells', () => {
  it('parses a Markdown book: headings, fences, prose, front matter and separators', () => {
    const parsed = readSpellFile(join(FORMS, 'book.md'));
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.spells.map((s) => s.name)).toEqual(['Capture', 'Encode']);
    const [capture, encode] = parsed.spells;
    expect(capture.location.line).toBe(13);
    expect(capture.intents).toMatchObject([{ text: 'Produce frames from a camera at a steady rate.', lines: 2 }]);
    expect(capture.entities).toMatchObject([{ name: 'FrameSource', contracts: [{ input: 'CaptureOptions', output: 'Frame' }], guarantees: [{ text: 'frames are I420' }] }]);
    expect(capture.guarantees.map((g) => g.text)).toEqual(['timestamps are monotonic']);
    expect(capture.assumptions.map((g) => g.text)).toEqual(['frames arrive at most 60 per second']);
    expect(capture.exclusions.map((g) => g.text)).toEqual(['no audio']);
    expect(capture.questions.map((g) => g.text)).toEqual(['should we support NV12']);
    expect(capture.obligations).toMatchObject([
      { kind: 'require', text: 'a clock source' },
      { kind: 'forbid', text: 'busy waiting' },
      { kind: 'prove', text: 'pacing does not drift', test: 'paces frames for ten minutes' },
    ]);
    expect(capture.sections.map((s) => [s.name, s.items.map((i) => i.text)])).toEqual([
      ['Implementation Notes', []],
      ['Test Cases', ['paces frames for ten minutes', 'produces I420 planes', 'stops cleanly']],
    ]);
    expect(encode.intents[0].text).toBe('Encode frames');
    expect(encode.dependencies).toMatchObject([{ target: 'Capture', kind: 'spell' }, { target: 'FrameSource', kind: 'entity' }]);
    expect(encode.contracts).toMatchObject([{ input: 'Frame', output: 'Packet', location: { line: 43, column: 1 } }]);
  });

  it('handles CRLF, a byte order mark, tabs and trailing spaces', () => {
    const parsed = readSpellFile(join(FORMS, 'crlf.spell'));
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.spells).toMatchObject([{ name: 'Crlf', intents: [{ text: 'Windows line endings' }], entities: [{ name: 'Thing', contracts: [{ input: 'A', output: 'B' }] }] }]);
  });

  it('accepts every header form', () => {
    const forms = ['#Spell: A', '#A', '## #Spell: A', '### #A', '#spell:A'];
    for (const header of forms) {
      const parsed = parseSpellText('x.md', `${header}\n^ intent\n`, { markdown: true });
      expect(parsed.spells.map((s) => s.name), header).toEqual(['A']);
    }
  });

  it('reads dependencies by spell, by #spell and by @entity, comma-separated too', () => {
    const parsed = parseSpellText('x.spell', '#A\n> B, #C\n> @D\n> #Spell: E\n', { markdown: false });
    expect(parsed.spells[0].dependencies.map((d) => `${d.kind}:${d.target}`)).toEqual(['spell:B', 'spell:C', 'entity:D', 'spell:E']);
  });

  it('gives an empty file no spells and no findings', () => {
    expect(parseSpellText('x.spell', '', { markdown: false })).toMatchObject({ spells: [], diagnostics: [] });
  });

  it('locates syntax errors at line and column', () => {
    const parsed = parseSpellText('x.spell', '#A\n  ^ ok\n  : no arrow here\n', { markdown: false });
    expect(parsed.diagnostics).toMatchObject([{ rule: 'syntax/malformed-contract', location: { line: 3, column: 3 } }]);
  });

  it('parses a 10 MB book in linear time without findings', () => {
    const spell = readFileSync(join(FORMS, 'book.md'), 'utf8').split('---\n\n_An italic')[0].replace(/^---[\s\S]*?---\n/, '');
    const copies: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * 1024 * 1024; i++) {
      const text = spell.replace('#Spell: Capture', `#Spell: Capture${i}`) + '\n---\n';
      copies.push(text);
      size += text.length;
    }
    const parsed = parseSpellText('big.md', copies.join(''), { markdown: true });
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.spells.length).toBe(copies.length);
  });
});

describe('YAML spells', () => {
  it('parses a multi-document YAML file into the same model as text spells', () => {
    const parsed = readSpellFile(join(FORMS, 'multi.spell.yaml'));
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.spells.map((s) => s.name)).toEqual(['YamlOne', 'YamlTwo']);
    const [one] = parsed.spells;
    expect(one.intents).toMatchObject([{ text: 'Describe a spell in YAML.' }]);
    expect(one.entities).toMatchObject([{ name: 'Thing', contracts: [{ input: 'A', output: 'B' }] }]);
    expect(one.dependencies.map((d) => `${d.kind}:${d.target}`)).toEqual(['spell:YamlTwo', 'entity:Other']);
    expect(one.obligations).toMatchObject([{ kind: 'prove', text: 'yaml parses', test: 'parses yaml', location: { line: 12 } }]);
    expect(one.sections).toMatchObject([{ name: 'Test Cases', items: [{ text: 'parses yaml' }] }]);
  });
});

describe('decoding', () => {
  it('drops a byte order mark and keeps the text', () => {
    expect(decodeSpellSource('x', new Uint8Array([0xef, 0xbb, 0xbf, 0x23, 0x41]))).toEqual({ ok: true, text: '#A' });
  });
  it('rejects a truncated UTF-8 sequence with its offset', () => {
    const decoded = decodeSpellSource('x', new Uint8Array([0x23, 0x41, 0xe2, 0x82]));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.diagnostic.message).toContain('byte offset 2');
  });
});
