/**
 * `spell bind`: does an expanded invocation (a prompt, a task, a longer document built
 * from a spell) keep every line of its spell? Lines are compared in canonical form
 * (see fmt), so spacing, labels and arrow spelling do not matter; wording does.
 */
import { canonicalGlyphLine } from './fmt.js';
import { spellFileKind } from './files.js';
import { parseSpellText } from './parse-text.js';

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

/** The canonical glyph, section and item lines of each spell in a text. */
function spellLines(file: string, text: string): SpellLines[] {
  const kind = spellFileKind(file);
  const parsed = parseSpellText(file, text.replace(/^\ufeff/, ''), { markdown: kind === 'markdown' });
  const raw = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  const out: SpellLines[] = [];
  let current: SpellLines | undefined;
  parsed.lines.forEach((info, i) => {
    const content = raw[i].trim();
    if (info.kind === 'header') {
      const name = /#(?:Spell[ \t]*:[ \t]*)?(\S+)\s*$/i.exec(content)![1];
      out.push((current = { name, lines: [] }));
    } else if (info.kind === 'separator') current = undefined;
    else if (current && (info.kind === 'glyph' || info.kind === 'section' || info.kind === 'section-item' || info.kind === 'continuation')) {
      const canonical = info.kind === 'glyph' ? canonicalGlyphLine(content) : content.replace(/[ \t]+/g, ' ');
      current.lines.push({ line: i + 1, text: canonical.replace(/[ \t]+/g, ' ') });
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

  // Every line of the invocation counts, whether or not it sits under a spell header.
  const kept = new Set<string>();
  const invocationGlyphs: BoundLine[] = [];
  const kind = spellFileKind(invocationFile);
  const parsed = parseSpellText(invocationFile, `#Spell: ${spell.name}\n` + invocationText.replace(/^\ufeff/, ''), { markdown: kind === 'markdown' });
  const raw = invocationText.replace(/^\ufeff/, '').split(/\r\n|\r|\n/);
  raw.forEach((line, i) => {
    const content = line.trim();
    if (!content) return;
    const info = parsed.lines[i + 1];
    const canonical = (info?.kind === 'glyph' ? canonicalGlyphLine(content) : content).replace(/[ \t]+/g, ' ');
    kept.add(canonical);
    if (info?.kind === 'glyph' || info?.kind === 'section-item') invocationGlyphs.push({ line: i + 1, text: canonical });
  });
  const missing = spell.lines.filter((l) => !kept.has(l.text));
  const own = new Set(spell.lines.map((l) => l.text));
  const extra = invocationGlyphs.filter((l) => !own.has(l.text));
  return { spell: spell.name, bound: missing.length === 0 && (!options.denyExtra || extra.length === 0), missing, extra };
}
