/**
 * `spell bind`: does an expanded invocation (a prompt, a task, a longer document built
 * from a spell) keep every line of its spell? Lines are compared in canonical form
 * (see fmt), so spacing, labels and arrow spelling do not matter; wording does.
 */
import { canonicalGlyphLine } from './fmt.js';
import { spellFileKind } from './files.js';
import { parseHeader, parseSpellText } from './parse-text.js';

export interface BoundLine {
  line: number;
  text: string;
}

export interface BindResult {
  spell: string;
  bound: boolean;
  /** Spell lines the invocation does not keep. */
  missing: BoundLine[];
  /** Glyph lines in the invocation that are not in the spell (fail only with denyExtra). */
  extra: BoundLine[];
}

export class BindError extends Error {
  override name = 'BindError';
}

interface SpellLines {
  name: string;
  lines: BoundLine[];
}

const GLYPH_START = /^[\^@:!~\->?$][ \t]|^[\^@:!~>?$]\S|^\[/;

/** The comparison key of a line: canonical glyph form without labels, or collapsed text. */
function lineKey(content: string): string {
  const text = /^[\^@:!~>?$-]/.test(content) && !/^-\S/.test(content) ? canonicalGlyphLine(content, { labels: false }) : content;
  return text.replace(/[ \t]+/g, ' ').trim();
}

/** The glyph, section and item lines of each spell in a text, with their keys. */
function spellLines(file: string, text: string): SpellLines[] {
  const kind = spellFileKind(file);
  const body = text.replace(/^\ufeff/, '');
  const parsed = parseSpellText(file, body, { markdown: kind === 'markdown' });
  const raw = body.split(/\r\n|\r|\n/);
  const out: SpellLines[] = [];
  let current: SpellLines | undefined;
  parsed.lines.forEach((info, i) => {
    const content = raw[i].trim();
    if (info.kind === 'header') {
      out.push((current = { name: parseHeader(content)!.name, lines: [] }));
    } else if (info.kind === 'separator') current = undefined;
    else if (current && (info.kind === 'glyph' || info.kind === 'section' || info.kind === 'section-item' || info.kind === 'continuation')) {
      current.lines.push({ line: i + 1, text: lineKey(content) });
    }
  });
  return out;
}

export function bindInvocation(spellFile: string, spellText: string, invocationFile: string, invocationText: string, options: { denyExtra?: boolean; spell?: string } = {}): BindResult {
  const spells = spellLines(spellFile, spellText);
  if (!spells.length) throw new BindError(`${spellFile} holds no spell`);
  const invocation = spellLines(invocationFile, invocationText);
  const wanted = options.spell ?? (spells.length === 1 ? spells[0].name : invocation[0]?.name);
  const spell = spells.find((s) => s.name === wanted);
  if (!spell) throw new BindError(`${spellFile} holds ${spells.length} spells; name one with --spell (${spells.map((s) => s.name).join(', ')})`);

  // Every line of the invocation counts, wherever it sits (prose, sections, other headings),
  // except fenced examples.
  const kept = new Set<string>();
  const glyphLines: BoundLine[] = [];
  let fence = false;
  invocationText.replace(/^\ufeff/, '').split(/\r\n|\r|\n/).forEach((line, i) => {
    const content = line.trim();
    if (/^(```|~~~)/.test(content)) { fence = !fence; return; }
    if (!content || fence) return;
    const key = lineKey(content);
    kept.add(key);
    if (GLYPH_START.test(content) && !/^-{3,}$/.test(content)) glyphLines.push({ line: i + 1, text: key });
  });
  const missing = spell.lines.filter((l) => !kept.has(l.text));
  const own = new Set(spell.lines.map((l) => l.text));
  const extra = glyphLines.filter((l) => !own.has(l.text));
  return { spell: spell.name, bound: missing.length === 0 && (!options.denyExtra || extra.length === 0), missing, extra };
}
