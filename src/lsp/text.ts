/**
 * Where things are on a line of spell text, for hover, definition, rename and completion.
 * The spell engine's model keeps the line and column of each item; these helpers find the
 * exact characters of a name on that line. Positions are 0-based lines and UTF-16 code
 * units, as in LSP (Language Server Protocol 3.17, "Position").
 */
import { LIMITS } from './constants.js';

export interface Span {
  start: number;
  end: number;
}

/** What is under the cursor on a line. */
export type Target =
  | { kind: 'glyph'; glyph: string; span: Span }
  | { kind: 'spell'; name: string; span: Span; declaration: boolean }
  | { kind: 'entity'; name: string; span: Span; declaration: boolean }
  | { kind: 'test'; title: string; span: Span }
  | { kind: 'word'; name: string; span: Span };

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const isNameChar = (c: string) => /[A-Za-z0-9_.-]/.test(c);
const HEADER = /^((?:#{1,6}[ \t]+)?#(?:Spell[ \t]*:[ \t]*)?)([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*$/i;
const DEP_LABEL = /^(?:depends(?:[ \t]+on)?|dependency)[ \t]*:[ \t]*/i;
const PROVE = /^\$[ \t]*prove[ \t]*:.*?(?:->|→)[ \t]*test[ \t]*:[ \t]*/i;

/** Split text into lines as the spell parser does (CRLF, CR and LF all end lines). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The name (letters, digits, `_ . -`) around `at`, if any. */
export function wordAt(line: string, at: number): { name: string; span: Span } | undefined {
  let start = Math.min(at, line.length);
  let end = start;
  while (start > 0 && isNameChar(line[start - 1])) start--;
  while (end < line.length && isNameChar(line[end])) end++;
  while (start < end && !/[A-Za-z_]/.test(line[start])) start++;
  while (end > start && /[.-]/.test(line[end - 1])) end--;
  return end > start ? { name: line.slice(start, end), span: { start, end } } : undefined;
}

/** Every place `name` occurs on `line` as a whole name. */
export function occurrences(line: string, name: string): Span[] {
  const out: Span[] = [];
  if (!name) return out;
  for (let at = line.indexOf(name); at !== -1; at = line.indexOf(name, at + 1)) {
    const before = at === 0 ? '' : line[at - 1];
    const after = line[at + name.length] ?? '';
    if (!(before && isNameChar(before)) && !(after && /[A-Za-z0-9_]/.test(after))) out.push({ start: at, end: at + name.length });
  }
  return out;
}

/** The spell name of a header line (`#Spell: Name`, `## #Name`). */
export function headerName(line: string): { name: string; span: Span } | undefined {
  const m = HEADER.exec(line.trimEnd());
  return m ? { name: m[2], span: { start: m[1].length, end: m[1].length + m[2].length } } : undefined;
}

/** The targets of a `>` dependency line, each with its span and kind. */
export function dependencyTargets(line: string): { name: string; kind: 'spell' | 'entity'; span: Span }[] {
  const indent = line.length - line.trimStart().length;
  if (line[indent] !== '>') return [];
  let at = indent + 1;
  while (line[at] === ' ' || line[at] === '\t') at++;
  const label = DEP_LABEL.exec(line.slice(at));
  if (label) at += label[0].length;
  const out: { name: string; kind: 'spell' | 'entity'; span: Span }[] = [];
  const comment = /[ \t]+#[ \t]/.exec(line.slice(at));
  const end = comment ? at + comment.index : line.length;
  for (const part of line.slice(at, end).split(',')) {
    let p = at;
    while (line[p] === ' ' || line[p] === '\t') p++;
    let kind: 'spell' | 'entity' = 'spell';
    if (line[p] === '@') { kind = 'entity'; p++; }
    else if (line[p] === '#') {
      p++;
      const spellLabel = /^Spell[ \t]*:[ \t]*/i.exec(line.slice(p));
      if (spellLabel) p += spellLabel[0].length;
    }
    NAME.lastIndex = p;
    const m = NAME.exec(line);
    if (m) out.push({ name: m[0], kind, span: { start: p, end: p + m[0].length } });
    at += part.length + 1;
  }
  return out;
}

/** The entity name of an `@Name` line. */
export function entityName(line: string): { name: string; span: Span } | undefined {
  const m = /^([ \t]*@[ \t]*@?)([A-Za-z_][A-Za-z0-9_.]*)/.exec(line);
  return m ? { name: m[2], span: { start: m[1].length, end: m[1].length + m[2].length } } : undefined;
}

/** The test title of a `$ prove: X -> test: Title` line (quotes dropped). */
export function proveTitle(line: string): { title: string; span: Span } | undefined {
  const indent = line.length - line.trimStart().length;
  const m = PROVE.exec(line.slice(indent));
  if (!m) return undefined;
  let start = indent + m[0].length;
  let end = line.trimEnd().length;
  const q = line[start];
  if ((q === '"' || q === "'" || q === '`') && end - start >= 2 && line[end - 1] === q) { start++; end--; }
  return end > start ? { title: line.slice(start, end), span: { start, end } } : undefined;
}

const inSpan = (span: Span, at: number) => at >= span.start && at <= span.end;

/** What the cursor at `at` points at on a line of a text-form spell file. */
export function targetAt(line: string, at: number): Target | undefined {
  if (line.length > LIMITS.maxLineChars) return undefined;
  const indent = line.length - line.trimStart().length;
  const header = headerName(line);
  if (header && inSpan(header.span, at)) return { kind: 'spell', name: header.name, span: header.span, declaration: true };
  for (const dep of dependencyTargets(line)) {
    if (inSpan(dep.span, at)) return dep.kind === 'spell' ? { kind: 'spell', name: dep.name, span: dep.span, declaration: false } : { kind: 'entity', name: dep.name, span: dep.span, declaration: false };
  }
  const entity = line[indent] === '@' ? entityName(line) : undefined;
  if (entity && inSpan(entity.span, at)) return { kind: 'entity', name: entity.name, span: entity.span, declaration: true };
  const prove = proveTitle(line);
  if (prove && inSpan(prove.span, at)) return { kind: 'test', title: prove.title, span: prove.span };
  if (at === indent && line[indent] !== undefined && '#^@:!~->?$'.includes(line[indent])) {
    return { kind: 'glyph', glyph: line[indent], span: { start: indent, end: indent + 1 } };
  }
  const word = wordAt(line, at);
  return word ? { kind: 'word', ...word } : undefined;
}

/**
 * Lines of a text, found lazily: asking for line 3 of a 30 MB book scans only up to it.
 * Lines end at CRLF, CR or LF, as the spell parser splits them.
 */
export class LineReader {
  readonly #starts = [0];
  readonly #ends: number[] = [];
  #done = false;
  readonly #eol = /\r\n|\r|\n/g;

  constructor(readonly text: string) {}

  #extend(): void {
    const start = this.#starts[this.#starts.length - 1];
    this.#eol.lastIndex = start;
    const m = this.#eol.exec(this.text);
    if (!m) { this.#ends.push(this.text.length); this.#done = true; return; }
    this.#ends.push(m.index);
    this.#starts.push(m.index + m[0].length);
  }

  /** Line `n` (0-based) without its terminator, or undefined past the end. */
  line(n: number): string | undefined {
    if (n < 0 || !Number.isInteger(n)) return undefined;
    while (this.#ends.length <= n && !this.#done) this.#extend();
    return n < this.#ends.length ? this.text.slice(this.#starts[n], this.#ends[n]) : undefined;
  }

  /** Number of lines (a final terminator starts one more, empty line). */
  count(): number {
    while (!this.#done) this.#extend();
    return this.#ends.length;
  }
}
