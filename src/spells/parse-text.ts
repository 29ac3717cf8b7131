/**
 * Parser for the text forms of the Sorcery glyph notation: `*.spell`, `*.spell.md` and
 * Markdown books. One pass over the lines; no backtracking, so a 10 MB book parses in
 * linear time. The grammar is documented in docs/spell-language.md.
 *
 * Two modes differ only in how they treat text that is not a glyph line:
 * - spell mode (`*.spell`): every line must belong to a spell (or be blank or a comment),
 *   so stray text and unknown glyphs are errors;
 * - book mode (`*.md`, `*.spell.md`): Markdown prose, headings, lists and italic lines may
 *   sit between and inside spells and are ignored.
 */
import { MESSAGES, RULES } from './constants.js';
import type { Clauses, Diagnostic, Entity, Item, Location, ParsedFile, Section, Spell } from './model.js';

export interface ParseOptions {
  /** Book mode: Markdown prose is allowed and ignored. */
  markdown: boolean;
}

/** What each line of a file is, as the parser saw it (used by `spell fmt` and `spell bind`). */
export type LineKind =
  | 'blank' | 'comment' | 'prose' | 'fence' | 'separator' | 'header'
  | 'glyph' | 'continuation' | 'section' | 'section-item' | 'section-text' | 'invalid';

export interface LineInfo {
  kind: LineKind;
  /** Nesting for glyph lines: 0 spell level, 1 inside an entity. Continuations: their item's depth. */
  depth: number;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
/** `#Spell: Name`, `#Name`, `## #Spell: Name`, `## #Name` (trailing text after the name is not allowed). */
const HEADER = new RegExp(`^(#{1,6}[ \\t]+)?#(?:Spell[ \\t]*:[ \\t]*)?(${NAME})[ \\t]*$`, 'i');

/** A spell header's name and its Markdown heading prefix (`## `), or undefined when `content` is no header. */
export function parseHeader(content: string): { headingPrefix: string; name: string } | undefined {
  const m = HEADER.exec(content);
  return m ? { headingPrefix: m[1] ? m[1].trim() + ' ' : '', name: m[2] } : undefined;
}
const HEADER_LIKE = /^(?:#{1,6}[ \t]+)?#(?:Spell[ \t]*:|[^#\s])/i;
const MARKDOWN_HEADING = /^#{1,6}(?:[ \t]|$)/;
const SEPARATOR = /^(?:-{3,}|\*{3,}|_{3,})$/;
const FENCE = /^(`{3,}|~{3,})/;
const SECTION = /^\[([^\]]+)\]$/;
const SECTION_ITEM = /^(?:[-*+]|\d+[.)])[ \t]+(.*)$/;
const INLINE_COMMENT = /[ \t]+#[ \t].*$/;
const ARROW = /->|→/;

/**
 * The optional label after each glyph (`! Guarantee:` ...), and how `spell fmt` spells it
 * (labels without `canonical` are dropped by the parser and left as written by fmt).
 */
export const GLYPH_LABELS: Readonly<Record<string, { pattern: RegExp; canonical?: string }>> = {
  '^': { pattern: /^intent[ \t]*:[ \t]*/i, canonical: 'Intent: ' },
  '!': { pattern: /^guarantee[ \t]*:[ \t]*/i, canonical: 'Guarantee: ' },
  '~': { pattern: /^assumption[ \t]*:[ \t]*/i, canonical: 'Assumption: ' },
  '-': { pattern: /^exclusion[ \t]*:[ \t]*/i, canonical: 'Exclusion: ' },
  '?': { pattern: /^(?:open[ \t]+)?question[ \t]*:[ \t]*/i, canonical: 'Question: ' },
  '>': { pattern: /^(?:depends(?:[ \t]+on)?|dependency)[ \t]*:[ \t]*/i },
  ':': { pattern: /^contract[ \t]*:[ \t]*/i },
};

const LINE_KINDS: LineKind[] = ['blank', 'comment', 'prose', 'fence', 'separator', 'header', 'glyph', 'continuation', 'section', 'section-item', 'section-text', 'invalid'];
/** One shared, frozen LineInfo per (kind, depth): a book of 100,000 lines allocates none. */
const LINE_INFOS = new Map<LineKind, readonly LineInfo[]>(
  LINE_KINDS.map((kind) => [kind, [Object.freeze({ kind, depth: 0 }), Object.freeze({ kind, depth: 1 })]]),
);
function lineInfo(kind: LineKind, depth: number): LineInfo {
  return LINE_INFOS.get(kind)![depth === 1 ? 1 : 0];
}

const GLYPHS = new Set(['^', '@', ':', '!', '~', '-', '>', '?', '$']);

function emptyClauses(): Clauses {
  return { contracts: [], guarantees: [], assumptions: [], exclusions: [], dependencies: [], questions: [], obligations: [] };
}

/** Width of leading whitespace, tabs counting to the next multiple of 4. */
function indentWidth(line: string): number {
  let width = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32) width++;
    else if (c === 9) width += 4 - (width % 4);
    else break;
  }
  return width;
}

/** `text` without a trailing ` # comment` (the pattern only runs when there is a `#`). */
function withoutInlineComment(text: string): string {
  return text.includes('#') ? text.replace(INLINE_COMMENT, '') : text;
}

function stripQuotes(text: string): string {
  const t = text.trim();
  if (t.length >= 2) {
    const a = t[0];
    const b = t[t.length - 1];
    if ((a === '"' || a === "'" || a === '`') && a === b) return t.slice(1, -1);
  }
  return t;
}

const CLAUSE_LISTS = ['contracts', 'guarantees', 'assumptions', 'exclusions', 'dependencies', 'questions', 'obligations'] as const;

/** Copies of the lists that were pushed to, each exactly as long as it is. */
function fitClauses(owner: Clauses): void {
  for (const key of CLAUSE_LISTS) if (owner[key].length) (owner[key] as unknown[]) = owner[key].slice();
}

/**
 * The spell with its lists fitted to their length. A list's first push reserves room for 17
 * entries; a book of 5,000 spells kept about 9 MB of that room, which the garbage collector
 * copied from space to space as it promoted the spells (a fifth of its time on them).
 */
function fitted(spell: Spell): Spell {
  fitClauses(spell);
  for (const entity of spell.entities) fitClauses(entity);
  for (const section of spell.sections) if (section.items.length) section.items = section.items.slice();
  if (spell.intents.length) spell.intents = spell.intents.slice();
  if (spell.entities.length) spell.entities = spell.entities.slice();
  if (spell.sections.length) spell.sections = spell.sections.slice();
  return spell;
}

export function parseSpellText(file: string, text: string, options: ParseOptions): ParsedFile & { lines: LineInfo[] } {
  const spells: Spell[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  const { markdown } = options;

  let spell: Spell | undefined;
  let entity: { entity: Entity; indent: number } | undefined;
  let section: Section | undefined;
  /** The item the next non-glyph line may continue (cleared by a blank line). */
  let continuable: { item: Item & { lines?: number }; indent: number } | undefined;
  let fence: string | undefined;
  let frontMatter = false;
  const infos: LineInfo[] = new Array(lines.length);
  let depthOfContinuable = 0;

  const report = (rule: { id: string; severity: 'error' | 'warning' }, message: string, location: Location) => {
    diagnostics.push({ rule: rule.id, severity: rule.severity, message, location, spell: spell?.name });
  };

  const closeSpell = () => {
    if (spell) spells.push(fitted(spell));
    spell = undefined;
    entity = undefined;
    section = undefined;
    continuable = undefined;
  };

  // The current line, shared with `at` and `mark` (made once, not once per line).
  let index = 0;
  let lineNo = 1;
  let column = 1;
  const at = (): Location => ({ file, line: lineNo, column });
  const mark = (kind: LineKind, depth = 0) => { infos[index] = lineInfo(kind, depth); };

  for (; index < lines.length; index++) {
    lineNo = index + 1;
    const raw = lines[index];
    const trimmedEnd = raw.trimEnd();
    const content = trimmedEnd.trimStart();
    const indent = indentWidth(trimmedEnd);
    column = trimmedEnd.length - content.length + 1;
    infos[index] = lineInfo('prose', 0);

    // YAML front matter at the top of a Markdown book.
    if (markdown && index === 0 && content === '---') { frontMatter = true; continue; }
    if (frontMatter) { if (content === '---' || content === '...') frontMatter = false; continue; }


    // Fenced code blocks are examples, never spells. (Each pattern below is tried only on lines
    // whose first character can start it: a book has ~100,000 lines.)
    // -1 for an empty line: charCodeAt past the end threw optimized code back to the interpreter.
    const first = content.length > 0 ? content.charCodeAt(0) : -1;
    const fenceMatch = first === 96 || first === 126 ? FENCE.exec(content) : null; // ` ~
    if (fence) {
      mark('fence');
      if (fenceMatch && content.startsWith(fence) && content.slice(fenceMatch[1].length).trim() === '') fence = undefined;
      continue;
    }
    if (fenceMatch) { mark('fence'); fence = fenceMatch[1]; continuable = undefined; continue; }

    if (content === '') { mark('blank'); continuable = undefined; continue; }

    // Headers start spells; they are only recognised at the start of a line.
    if (indent === 0 && content[0] === '#') {
      const header = parseHeader(content);
      if (header) {
        mark('header');
        closeSpell();
        spell = {
          name: header.name, location: at(), endLine: lineNo, intents: [], entities: [], sections: [],
          ...emptyClauses(),
        };
        continue;
      }
      if (content.startsWith('<!--')) continue;
      if (content === '#' || /^#[ \t]/.test(content)) { mark('comment'); if (spell) spell.endLine = lineNo; continue; } // comment
      if (MARKDOWN_HEADING.test(content)) {
        // A Markdown heading that is not a spell header: in a book it ends the spell; in a
        // .spell file it is a comment.
        if (markdown) closeSpell();
        continue;
      }
      if (HEADER_LIKE.test(content)) {
        mark('invalid');
        report(RULES.malformedHeader, MESSAGES.malformedHeader(content), at());
        closeSpell();
        continue;
      }
    }

    if (indent === 0 && (first === 45 || first === 42 || first === 95) && SEPARATOR.test(content)) { mark('separator'); closeSpell(); continue; } // - * _

    if (!spell) {
      if (!markdown && !content.startsWith('<!--')) { mark('invalid'); report(RULES.orphanLine, MESSAGES.orphanLine(), at()); }
      continue;
    }
    spell.endLine = lineNo;

    const sectionMatch = first === 91 ? SECTION.exec(content) : null; // [
    if (sectionMatch) {
      mark('section');
      section = { name: sectionMatch[1].trim(), items: [], location: at() };
      spell.sections.push(section);
      entity = undefined;
      continuable = undefined;
      continue;
    }
    if (section) {
      const itemMatch = SECTION_ITEM.exec(content);
      if (itemMatch && itemMatch[1].trim()) {
        mark('section-item');
        const item = { text: stripQuotes(withoutInlineComment(itemMatch[1])), location: at() };
        section.items.push(item);
        continuable = { item, indent };
      } else if (continuable && indent > continuable.indent) {
        mark('continuation', 0);
        continuable.item.text += ' ' + content;
      } else mark('section-text');
      continue;
    }

    const glyph = content[0];
    if (!GLYPHS.has(glyph) || (glyph === '-' && content.length > 1 && content[1] !== ' ' && content[1] !== '\t')) {
      // Not a glyph line: a continuation of the previous item, prose (books), or an error.
      if (continuable && (indent > continuable.indent || /^[A-Za-z0-9_"'`(]/.test(content))) {
        mark('continuation', depthOfContinuable);
        continuable.item.text += ' ' + withoutInlineComment(content);
        if (continuable.item.lines !== undefined) continuable.item.lines++;
        continue;
      }
      if (markdown) continue;
      mark('invalid');
      if (/^[A-Za-z0-9_"'`(]/.test(content)) report(RULES.orphanLine, MESSAGES.strayText(), at());
      else report(RULES.unknownGlyph, MESSAGES.unknownGlyph(String.fromCodePoint(content.codePointAt(0) ?? 0)), at());
      continue;
    }

    // A glyph line. Entities own the glyph lines indented under them.
    if (entity && indent <= entity.indent) entity = undefined;
    const owner: Clauses = entity ? entity.entity : spell;
    let body = withoutInlineComment(content.slice(1)).trim();
    const label = GLYPH_LABELS[glyph];
    if (label) body = body.replace(label.pattern, '');
    const location = at();
    continuable = undefined;
    // Entities are always spell-level (an indented `@` starts a new entity, not a nested one).
    const depth = entity && glyph !== '@' ? 1 : 0;
    mark('glyph', depth);
    depthOfContinuable = depth;

    switch (glyph) {
      case '^': {
        const item = { text: body, location, lines: 1 };
        spell.intents.push(item);
        continuable = { item, indent };
        break;
      }
      case '@': {
        const name = /^[ \t]*@?([A-Za-z_][A-Za-z0-9_.]*)/.exec(content.slice(1));
        if (!name) { report(RULES.emptyEntity, MESSAGES.emptyEntity(), location); break; }
        const created: Entity = { name: name[1], location, ...emptyClauses() };
        spell.entities.push(created);
        entity = { entity: created, indent };
        continuable = { item: { text: '', location }, indent }; // a description may follow; it is not kept
        break;
      }
      case ':': {
        const arrow = ARROW.exec(body);
        const input = arrow ? body.slice(0, arrow.index).trim() : '';
        const output = arrow ? body.slice(arrow.index + arrow[0].length).trim() : '';
        if (!arrow || !input || !output) report(RULES.malformedContract, MESSAGES.malformedContract(body), location);
        else owner.contracts.push({ input, output, location });
        break;
      }
      case '!': case '~': case '-': case '?': {
        const item = { text: body, location };
        const list = glyph === '!' ? owner.guarantees : glyph === '~' ? owner.assumptions : glyph === '-' ? owner.exclusions : owner.questions;
        list.push(item);
        continuable = { item, indent };
        break;
      }
      case '>': {
        const targets: string[] = [];
        for (const part of body.split(',')) {
          const target = part.trim();
          if (target) targets.push(target);
        }
        if (targets.length === 0) report(RULES.malformedDependency, MESSAGES.malformedDependency(), location);
        for (const target of targets) {
          const m = /^(@|#(?:Spell[ \t]*:[ \t]*)?)?([A-Za-z_][A-Za-z0-9_.-]*)/i.exec(target);
          if (!m) { report(RULES.malformedDependency, MESSAGES.malformedDependency(), location); continue; }
          owner.dependencies.push({ target: m[2], kind: m[1] === '@' ? 'entity' : 'spell', location });
        }
        break;
      }
      case '$': {
        const m = /^(require|forbid|prove)[ \t]*:[ \t]*(.*)$/i.exec(body);
        if (!m || !m[2].trim()) { report(RULES.malformedObligation, MESSAGES.malformedObligation(body), location); break; }
        const kind = m[1].toLowerCase() as 'require' | 'forbid' | 'prove';
        if (kind === 'prove') {
          const bound = /^(.*?)[ \t]*(?:->|→)[ \t]*test[ \t]*:[ \t]*(.+)$/i.exec(m[2]);
          if (!bound || !bound[1].trim() || !stripQuotes(bound[2])) { report(RULES.malformedObligation, MESSAGES.malformedObligation(body), location); break; }
          owner.obligations.push({ kind, text: bound[1].trim(), test: stripQuotes(bound[2]), location });
        } else {
          owner.obligations.push({ kind, text: m[2].trim(), location });
        }
        break;
      }
    }
  }
  if (spell) {
    // Trailing blank lines do not belong to the last spell.
    closeSpell();
  }
  return { file, spells, diagnostics, lines: infos };
}
