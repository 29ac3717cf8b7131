/**
 * `spell fmt`: the canonical layout of spell files. Idempotent, keeps comments and prose,
 * and never changes a spell's meaning (its seal stays the same). Canonical means:
 * LF line endings, no trailing spaces, one final newline, at most one blank line in a row
 * inside spells, `#Spell: Name` headers, `glyph + one space + text`, known labels spelled
 * `Intent:`/`Guarantee:`/..., contracts and proofs written with `->`, entity lines
 * indented two spaces, continuation lines two more than their item.
 * Markdown prose and fenced code outside spells are left byte for byte.
 */
import { spellFileKind } from './files.js';
import type { Diagnostic } from './model.js';
import { GLYPH_LABELS, parseHeader, parseSpellText, type LineInfo } from './parse-text.js';

function splitComment(text: string): [string, string] {
  const m = /[ \t]+#[ \t].*$/.exec(text);
  return m ? [text.slice(0, m.index), m[0].trim()] : [text, ''];
}

/**
 * `prefix + body` with the prefix's separating space, unless the body starts with `#` and a
 * blank: that space would turn the rest of the line into a comment (found by the fmt fuzzer:
 * `! Guarantee:# x` must not become `! Guarantee: # x`).
 */
function join(prefix: string, body: string): string {
  return /^#([ \t]|$)/.test(body) ? prefix.trimEnd() + body : prefix + body;
}

/** One glyph line (without indentation) in canonical form. */
export function canonicalGlyphLine(content: string, options: { labels?: boolean } = {}): string {
  const glyph = content[0];
  const [bodyRaw, comment] = splitComment(content.slice(1));
  let body = bodyRaw.trim();
  const keepLabels = options.labels ?? true;
  const label = GLYPH_LABELS[glyph];
  if (label?.canonical && label.pattern.test(body)) body = join(keepLabels ? label.canonical : '', body.replace(label.pattern, ''));
  if (glyph === ':') {
    body = body.replace(GLYPH_LABELS[':'].pattern, '');
    const m = /^(.*?)[ \t]*(?:->|→)[ \t]*(.*)$/.exec(body);
    if (m && m[1] && m[2]) body = join(`${m[1]} -> `, m[2]);
  } else if (glyph === '$') {
    const m = /^(require|forbid|prove)[ \t]*:[ \t]*(.*)$/i.exec(body);
    if (m) {
      const kind = m[1].toLowerCase();
      let rest = m[2];
      if (kind === 'prove') {
        const p = /^(.*?)[ \t]*(?:->|→)[ \t]*test[ \t]*:[ \t]*(.+)$/i.exec(rest);
        if (p) rest = join(`${p[1]} -> test: `, p[2]);
      }
      body = join(`${kind}: `, rest);
    }
  } else if (glyph === '>') {
    body = body.split(',').map((t) => t.trim()).filter(Boolean).join(', ');
  } else if (glyph === '@') {
    body = body.replace(/^@/, '');
    return `@${body}${comment ? ` ${comment}` : ''}`;
  }
  return `${body ? join(`${glyph} `, body) : glyph}${comment ? ` ${comment}` : ''}`;
}

function canonicalHeader(content: string): string {
  const header = parseHeader(content)!; // only called on lines the parser classified as headers
  return `${header.headingPrefix}#Spell: ${header.name}`;
}

/** Thrown when a file has syntax errors: formatting it could change its meaning. */
export class FormatError extends Error {
  override name = 'FormatError';
  constructor(readonly diagnostic: Diagnostic) {
    super(`cannot format: ${diagnostic.location.file}:${diagnostic.location.line}:${diagnostic.location.column} ${diagnostic.message} (${diagnostic.rule})`);
  }
}

/** Format a spell file's text. YAML files are returned unchanged (YAML has its own formatters). */
export function formatSpellSource(file: string, text: string): string {
  const kind = spellFileKind(file);
  if (kind === 'yaml') return text;
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const body = bom ? text.slice(1) : text;
  const parsed = parseSpellText(file, body, { markdown: kind === 'markdown' });
  // Reindenting around a line the parser could not read could change what it belongs to.
  const broken = parsed.diagnostics.find((d) => d.severity === 'error');
  if (broken) throw new FormatError(broken);
  const lines = body.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let inSpell = false;
  let lastGlyphIndent = 0;
  for (let i = 0; i < lines.length; i++) {
    const info: LineInfo = parsed.lines[i] ?? { kind: 'prose', depth: 0 };
    const raw = lines[i];
    const content = raw.trim();
    switch (info.kind) {
      case 'header': inSpell = true; out.push(canonicalHeader(content)); break;
      case 'separator': inSpell = false; out.push(kind === 'markdown' ? raw : content); break;
      case 'glyph': {
        lastGlyphIndent = info.depth * 2;
        out.push(' '.repeat(lastGlyphIndent) + canonicalGlyphLine(content));
        break;
      }
      case 'continuation': out.push(' '.repeat(lastGlyphIndent + 2) + content); break;
      case 'section': lastGlyphIndent = 0; out.push(content); break;
      case 'section-item': {
        lastGlyphIndent = 0;
        const m = /^([-*+]|\d+[.)])[ \t]+(.*)$/.exec(content)!;
        out.push(`${m[1]} ${m[2]}`);
        break;
      }
      case 'blank':
        if (inSpell || kind !== 'markdown') { if (out.length && out[out.length - 1] !== '') out.push(''); }
        else out.push(raw);
        break;
      case 'comment': case 'section-text': case 'invalid':
        out.push(inSpell || kind !== 'markdown' ? raw.replace(/[ \t]+$/, '') : raw);
        break;
      default:
        // Prose, fences, front matter: untouched in books, trailing spaces trimmed in .spell files.
        if (kind === 'markdown' && inSpell && info.kind === 'prose' && /^#{1,6}[ \t]/.test(content)) inSpell = false;
        out.push(kind === 'markdown' ? raw : raw.replace(/[ \t]+$/, ''));
    }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return bom + out.join('\n') + '\n';
}
