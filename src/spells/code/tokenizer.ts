/**
 * A small TypeScript tokenizer for reading source as text (no compiler, no evaluation).
 *
 * It skips whitespace and comments, reads string, template (with nested `${}`), regex,
 * number, identifier and punctuation tokens, and records for every token its 1-based line
 * and column, its bracket nesting depth, and for every bracket the index of its partner.
 * It never throws: unterminated literals and unbalanced brackets become `problems`.
 *
 * A `/` starts a regex where an expression may start: after an operator, `(`, `,`, a
 * keyword such as `return`, or the `)` of an `if`/`while`/`for`/`with` condition; after a
 * value (identifier, literal, `)`, `]`, `}`, postfix `++`/`--`) it is division.
 *
 * Known gaps: JSX is not understood; a regex right after a block's `}` is read as division;
 * `<`/`>` are not counted as brackets (callers balance them where they read types).
 *
 * The readers (`module-scan.ts`, `tests.ts`) take the tokens as a `TokenTable`: one typed
 * array per field, reused from file to file, so that a check reading 15,000 files does not
 * make a million token objects to collect (they were a quarter of all it allocated).
 * `tokenize()` gives the same tokens as objects, for callers that keep them.
 */

export type TokenKind = 'ident' | 'punct' | 'string' | 'template' | 'number' | 'regex' | 'private';

export interface Token {
  kind: TokenKind;
  /** Raw source text of the token. */
  text: string;
  /** Cooked value of a string literal, or of a template literal without `${}`. */
  value?: string;
  /** True for a template literal that contains `${}`. */
  substitution: boolean;
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** Number of open `(`, `[`, `{` around the token (a bracket pair shares its outer depth). */
  depth: number;
  /** A line break (or a comment containing one) separates it from the previous token. */
  newlineBefore: boolean;
}

export interface TokenProblem {
  message: string;
  line: number;
  column: number;
}

export interface TokenizedSource {
  tokens: Token[];
  /** For a bracket token, the index of its partner; -1 otherwise or when unbalanced. */
  match: Int32Array;
  problems: TokenProblem[];
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case',
  'do', 'else', 'yield', 'await', 'extends',
]);

const CC_LF = 10;
const CC_CR = 13;
const CC_SLASH = 47;
const CC_STAR = 42;
const CC_BACKSLASH = 92;
const CC_BACKTICK = 96;
const CC_DOLLAR = 36;
const CC_LBRACE = 123;
const CC_RBRACE = 125;

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || (c >= 0x80 && !isSpaceLike(c));
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpaceLike(c: number): boolean {
  return c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000;
}

function isLineBreak(c: number): boolean {
  return c === CC_LF || c === CC_CR || c === 0x2028 || c === 0x2029;
}

/** Decode the escapes of a string or template body (`raw` excludes the quotes). */
export function cookEscapes(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = raw[++i];
    if (next === undefined) break;
    switch (next) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '0': out += '\0'; break;
      case '\r': if (raw[i + 1] === '\n') i++; break;
      case '\n': case '\u2028': case '\u2029': break;
      case 'x': {
        const hex = raw.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          out += String.fromCharCode(parseInt(hex, 16));
          i += 2;
        } else out += 'x';
        break;
      }
      case 'u': {
        if (raw[i + 1] === '{') {
          const close = raw.indexOf('}', i + 2);
          const hex = close > 0 ? raw.slice(i + 2, close) : '';
          const code = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : -1;
          if (code >= 0 && code <= 0x10ffff) {
            out += String.fromCodePoint(code);
            i = close;
          } else out += 'u';
        } else {
          const hex = raw.slice(i + 1, i + 5);
          if (/^[0-9a-fA-F]{4}$/.test(hex)) {
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
          } else out += 'u';
        }
        break;
      }
      default: out += next;
    }
  }
  return out;
}

/** Token kinds in a `TokenTable` (`KIND_NAMES[k]` is the `TokenKind`). */
export const IDENT = 0;
export const PUNCT = 1;
export const STRING = 2;
export const TEMPLATE = 3;
export const NUMBER = 4;
export const REGEX = 5;
export const PRIVATE = 6;
const KIND_NAMES: readonly TokenKind[] = ['ident', 'punct', 'string', 'template', 'number', 'regex', 'private'];

/** `flags` bits. */
export const NEWLINE_BEFORE = 1;
export const SUBSTITUTION = 2;

/**
 * The tokens of one text, field by field (`kind[i]`, `text[i]`, ...), for the first `count`
 * entries: what `Token` holds, but positions as offsets (`position()` gives line and column).
 * The table returned by `tokenTable()` is reused by the next call: read it before then.
 */
export interface TokenTable {
  src: string;
  count: number;
  kind: Uint8Array;
  text: string[];
  /** Cooked value of a string, or of a template without `${}`; undefined for other kinds. */
  value: (string | undefined)[];
  start: Int32Array;
  end: Int32Array;
  depth: Int32Array;
  /** `NEWLINE_BEFORE` | `SUBSTITUTION`. */
  flags: Uint8Array;
  /** For a bracket token, the index of its partner; -1 otherwise or when unbalanced. */
  match: Int32Array;
  problems: TokenProblem[];
  /** Offsets where lines start (`lineCount` of them), for `position()`. */
  lineStarts: Int32Array;
  lineCount: number;
}

/** 1-based line and column of `offset` in the table's text. */
export function position(table: TokenTable, offset: number): { line: number; column: number } {
  const { lineStarts } = table;
  let lo = 0;
  let hi = table.lineCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
}

/** `a`, or a copy of it at least `need` long (doubling), of the same typed-array kind. */
function grown<A extends Int32Array | Uint8Array>(a: A, need: number): A {
  if (a.length >= need) return a;
  const b = new (a.constructor as new (length: number) => A)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

const table: TokenTable = {
  src: '', count: 0, kind: new Uint8Array(1024), text: [], value: [], start: new Int32Array(1024), end: new Int32Array(1024),
  depth: new Int32Array(1024), flags: new Uint8Array(1024), match: new Int32Array(1024), problems: [], lineStarts: new Int32Array(1024), lineCount: 0,
};

/** Room for token `n` in every field of the shared table. */
function reserve(n: number): void {
  if (n < table.kind.length) return;
  const need = n + 1;
  table.kind = grown(table.kind, need);
  table.flags = grown(table.flags, need);
  table.start = grown(table.start, need);
  table.end = grown(table.end, need);
  table.depth = grown(table.depth, need);
  table.match = grown(table.match, need);
}

/** Tokenize TypeScript source text into the shared table (valid until the next call). */
export function tokenTable(src: string): TokenTable {
  const t = table;
  t.src = src;
  const problems: TokenProblem[] = [];
  t.problems = problems;
  const len = src.length;

  // Line starts, for offset -> line/column.
  let lineCount = 1;
  t.lineStarts[0] = 0;
  const lineStart = (at: number): void => {
    if (lineCount === t.lineStarts.length) t.lineStarts = grown(t.lineStarts, lineCount + 1);
    t.lineStarts[lineCount++] = at;
  };
  for (let i = 0; i < len; i++) {
    const c = src.charCodeAt(i);
    if (c === CC_LF) lineStart(i + 1);
    else if (c === CC_CR) {
      if (src.charCodeAt(i + 1) === CC_LF) i++;
      lineStart(i + 1);
    } else if (c === 0x2028 || c === 0x2029) lineStart(i + 1);
  }
  t.lineCount = lineCount;
  const problemAt = (message: string, offset: number): void => {
    problems.push({ message, ...position(t, offset) });
  };

  let pos = 0;
  if (src.startsWith('#!')) {
    while (pos < len && !isLineBreak(src.charCodeAt(pos))) pos++;
  }

  /** Skip whitespace and comments; return whether a line break was crossed. */
  const skipTrivia = (): boolean => {
    let newline = false;
    while (pos < len) {
      const c = src.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 11 || c === 12 || isSpaceLike(c)) pos++;
      else if (isLineBreak(c)) {
        newline = true;
        pos++;
      } else if (c === CC_SLASH) {
        const n = src.charCodeAt(pos + 1);
        if (n === CC_SLASH) {
          pos += 2;
          while (pos < len && !isLineBreak(src.charCodeAt(pos))) pos++;
        } else if (n === CC_STAR) {
          const close = src.indexOf('*/', pos + 2);
          const stop = close < 0 ? len : close + 2;
          if (close < 0) problemAt('unterminated block comment', pos);
          for (let k = pos; k < stop && !newline; k++) if (isLineBreak(src.charCodeAt(k))) newline = true;
          pos = stop;
        } else break;
      } else break;
    }
    return newline;
  };

  /** Read a quoted string starting at `pos`; returns the end offset (exclusive). */
  const readString = (quote: number): number => {
    let p = pos + 1;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c === quote) return p + 1;
      if (c === CC_BACKSLASH) p += 2;
      else if (c === CC_LF || c === CC_CR) break;
      else p++;
    }
    problemAt('unterminated string literal', pos);
    return Math.min(p, len);
  };

  /** Read a template literal starting at `pos` (a backtick); sets `substitution`, returns its end. */
  let substitution = false;
  const readTemplate = (): number => {
    const startPos = pos;
    let p = pos + 1;
    let sub = false;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c === CC_BACKTICK) { substitution = sub; return p + 1; }
      if (c === CC_BACKSLASH) p += 2;
      else if (c === CC_DOLLAR && src.charCodeAt(p + 1) === CC_LBRACE) {
        sub = true;
        pos = p + 2;
        skipSubstitution();
        p = pos;
      } else p++;
    }
    problemAt('unterminated template literal', startPos);
    substitution = sub;
    return len;
  };

  // The token before the one being read, and the one before that (for regexAllowed): kind
  // (-1 for none) and extent. Text is taken from the source only where a `/` needs it.
  let prevKind = -1;
  let prevStart = 0;
  let prevEnd = 0;
  let prevPrevKind = -1;
  let prevPrevStart = 0;
  let prevPrevEnd = 0;
  /** Set when the last `)` closed the condition of `if`/`while`/`for`/`with`. */
  let controlParen = false;

  /** Skip the expression of a `${ ... }` up to and past its closing brace. */
  const skipSubstitution = (): void => {
    let braces = 0;
    const saved = [prevKind, prevStart, prevEnd, prevPrevKind, prevPrevStart, prevPrevEnd];
    const savedControl = controlParen;
    prevKind = -1;
    prevPrevKind = -1;
    while (pos < len) {
      skipTrivia();
      if (pos >= len) break;
      const c = src.charCodeAt(pos);
      if (c === CC_RBRACE && braces === 0) {
        pos++;
        break;
      }
      controlParen = false;
      const start = pos;
      const kind = readToken();
      if (kind === PUNCT && pos - start === 1) {
        if (c === CC_LBRACE) braces++;
        else if (c === CC_RBRACE) braces--;
      }
      prevPrevKind = -1; // as before: inside `${}` only the previous token is known
      prevKind = kind;
      prevStart = start;
      prevEnd = pos;
    }
    [prevKind, prevStart, prevEnd, prevPrevKind, prevPrevStart, prevPrevEnd] = saved;
    controlParen = savedControl;
  };

  const regexAllowed = (): boolean => {
    if (prevKind === -1) return true;
    switch (prevKind) {
      case PUNCT: {
        const p = src.charCodeAt(prevStart);
        const single = prevEnd - prevStart === 1;
        if (single && p === 41) return controlParen; // )
        if (single && (p === 43 || p === 45) && prevPrevKind !== -1 && prevPrevEnd - prevPrevStart === 1 && src.charCodeAt(prevPrevStart) === p && prevPrevEnd === prevStart) return false; // x++ / y
        return !(single && (p === 93 || p === CC_RBRACE));
      }
      case IDENT:
        return KEYWORDS_BEFORE_EXPRESSION.has(src.slice(prevStart, prevEnd));
      default:
        return false;
    }
  };

  /** Try a regex literal at `pos`; returns its end or -1. */
  const tryRegex = (): number => {
    let p = pos + 1;
    let inClass = false;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (isLineBreak(c)) return -1;
      if (c === CC_BACKSLASH) p += 2;
      else if (c === 91) { inClass = true; p++; }
      else if (c === 93) { inClass = false; p++; }
      else if (c === CC_SLASH && !inClass) {
        p++;
        while (p < len && isIdentPart(src.charCodeAt(p))) p++;
        return p;
      } else p++;
    }
    return -1;
  };

  /** Cooked value of the last string or plain template read. */
  let cooked: string | undefined;

  /** Read one token at `pos` (trivia already skipped); returns its kind, leaves `pos` at its end. */
  const readToken = (): number => {
    const start = pos;
    const c = src.charCodeAt(pos);
    cooked = undefined;
    substitution = false;
    if (isIdentStart(c) || (c === CC_BACKSLASH && src.charCodeAt(pos + 1) === 117)) {
      pos++;
      while (pos < len) {
        const d = src.charCodeAt(pos);
        if (isIdentPart(d)) pos++;
        else if (d === CC_BACKSLASH && src.charCodeAt(pos + 1) === 117) pos += 2;
        else break;
      }
      return IDENT;
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(pos + 1)))) {
      pos++;
      while (pos < len) {
        const d = src.charCodeAt(pos);
        if (isIdentPart(d) || d === 46) pos++;
        else if ((d === 43 || d === 45) && (src.charCodeAt(pos - 1) | 32) === 101 && !/^0[xX]/.test(src.slice(start, pos))) pos++;
        else break;
      }
      return NUMBER;
    }
    if (c === 39 || c === 34) {
      pos = readString(c);
      const closed = pos - start >= 2 && src.charCodeAt(pos - 1) === c;
      cooked = cookEscapes(src.slice(start + 1, closed ? pos - 1 : pos));
      return STRING;
    }
    if (c === CC_BACKTICK) {
      const end = readTemplate();
      pos = end;
      // Tokens read inside `${}` set `cooked` too: a template with substitutions has none.
      if (substitution) cooked = undefined;
      else {
        const closed = end - start >= 2 && src.charCodeAt(end - 1) === CC_BACKTICK;
        cooked = cookEscapes(src.slice(start + 1, closed ? end - 1 : end));
      }
      return TEMPLATE;
    }
    if (c === 35 && isIdentStart(src.charCodeAt(pos + 1))) {
      pos++;
      while (pos < len && isIdentPart(src.charCodeAt(pos))) pos++;
      return PRIVATE;
    }
    if (c === CC_SLASH && regexAllowed()) {
      const end = tryRegex();
      if (end > 0) {
        pos = end;
        return REGEX;
      }
    }
    if (c === 61 && src.charCodeAt(pos + 1) === 62) {
      pos += 2;
      return PUNCT;
    }
    if (c === 46 && src.charCodeAt(pos + 1) === 46 && src.charCodeAt(pos + 2) === 46) {
      pos += 3;
      return PUNCT;
    }
    // A lone surrogate or any other character: one code unit of punctuation.
    pos++;
    return PUNCT;
  };

  const stack: number[] = [];
  const text = t.text;
  const value = t.value;
  let depth = 0;
  let n = 0;
  while (true) {
    const newline = skipTrivia();
    if (pos >= len) break;
    const c = src.charCodeAt(pos);
    const isClose = c === 41 || c === 93 || c === CC_RBRACE;
    if (isClose && depth > 0) depth--;
    const start = pos;
    const kind = readToken();
    reserve(n);
    t.kind[n] = kind;
    t.start[n] = start;
    t.end[n] = pos;
    t.depth[n] = depth;
    t.flags[n] = (newline ? NEWLINE_BEFORE : 0) | (substitution ? SUBSTITUTION : 0);
    text[n] = src.slice(start, pos);
    value[n] = cooked;
    if (kind === PUNCT && (c === 40 || c === 91 || c === CC_LBRACE)) {
      stack.push(n);
      depth++;
    } else if (kind === PUNCT && isClose) {
      const open = stack.pop();
      if (open === undefined) problems.push({ message: `unbalanced '${text[n]}'`, ...position(t, start) });
      else if (c === 41) {
        const before = open - 1;
        controlParen = before >= 0 && t.kind[before] === IDENT && (text[before] === 'if' || text[before] === 'while' || text[before] === 'for' || text[before] === 'with');
      }
    }
    prevPrevKind = prevKind;
    prevPrevStart = prevStart;
    prevPrevEnd = prevEnd;
    prevKind = kind;
    prevStart = start;
    prevEnd = pos;
    n++;
  }
  t.count = n;
  // Let go of the strings of a much longer text read before.
  if (text.length > n + 4096) {
    text.length = n;
    value.length = n;
  }

  const pairs = t.match;
  pairs.fill(-1, 0, n);
  const open: number[] = [];
  for (let i = 0; i < n; i++) {
    if (t.kind[i] !== PUNCT || t.end[i] - t.start[i] !== 1) continue;
    const c = src.charCodeAt(t.start[i]);
    if (c === 40 || c === 91 || c === CC_LBRACE) open.push(i);
    else if (c === 41 || c === 93 || c === CC_RBRACE) {
      const o = open.pop();
      if (o === undefined) continue;
      const oc = src.charCodeAt(t.start[o]);
      if (oc !== (c === 41 ? 40 : c === 93 ? 91 : CC_LBRACE)) {
        const at = position(t, t.start[o]);
        problems.push({ message: `'${text[i]}' does not close '${text[o]}' opened at ${at.line}:${at.column}`, ...position(t, t.start[i]) });
        continue;
      }
      pairs[o] = i;
      pairs[i] = o;
    }
  }
  for (const o of open) {
    problems.push({ message: `'${text[o]}' is never closed`, ...position(t, t.start[o]) });
  }
  return t;
}

/** Tokenize TypeScript source text into token objects. */
export function tokenize(src: string): TokenizedSource {
  const t = tokenTable(src);
  const tokens: Token[] = new Array(t.count);
  let line = 0;
  for (let i = 0; i < t.count; i++) {
    const start = t.start[i];
    while (line + 1 < t.lineCount && t.lineStarts[line + 1] <= start) line++;
    const flags = t.flags[i];
    tokens[i] = {
      kind: KIND_NAMES[t.kind[i]],
      text: t.text[i],
      value: t.value[i],
      substitution: (flags & SUBSTITUTION) !== 0,
      start,
      end: t.end[i],
      line: line + 1,
      column: start - t.lineStarts[line] + 1,
      depth: t.depth[i],
      newlineBefore: (flags & NEWLINE_BEFORE) !== 0,
    };
  }
  return { tokens, match: t.match.slice(0, t.count), problems: t.problems };
}

/**
 * Text of tokens [from, to), comments dropped and whitespace collapsed: tokens separated
 * by anything in the source are joined by one space.
 */
export function tokenText(tokens: Token[], from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (i > from && t.start > tokens[i - 1].end) out += ' ';
    out += t.text;
  }
  return out;
}

/** `tokenText` for a `TokenTable`. */
export function tableText(t: TokenTable, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    if (i > from && t.start[i] > t.end[i - 1]) out += ' ';
    out += t.text[i];
  }
  return out;
}
