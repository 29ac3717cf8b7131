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

/** Tokenize TypeScript source text. */
export function tokenize(src: string): TokenizedSource {
  const tokens: Token[] = [];
  const problems: TokenProblem[] = [];
  const len = src.length;

  // Line starts, for offset -> line/column.
  const lineStarts: number[] = [0];
  for (let i = 0; i < len; i++) {
    const c = src.charCodeAt(i);
    if (c === CC_LF) lineStarts.push(i + 1);
    else if (c === CC_CR) {
      if (src.charCodeAt(i + 1) === CC_LF) i++;
      lineStarts.push(i + 1);
    } else if (c === 0x2028 || c === 0x2029) lineStarts.push(i + 1);
  }
  let lineCursor = 0;
  /** Offsets only grow for emitted tokens, so a forward cursor suffices there. */
  const lineAt = (offset: number): number => {
    while (lineCursor + 1 < lineStarts.length && lineStarts[lineCursor + 1] <= offset) lineCursor++;
    return lineCursor;
  };
  const problemAt = (message: string, offset: number): void => {
    // Binary search: problems may point anywhere, and must not move the token cursor.
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    problems.push({ message, line: lo + 1, column: offset - lineStarts[lo] + 1 });
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

  /** Read a template literal starting at `pos` (a backtick); returns end and whether it had `${}`. */
  const readTemplate = (): { end: number; substitution: boolean } => {
    const startPos = pos;
    let p = pos + 1;
    let substitution = false;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c === CC_BACKTICK) return { end: p + 1, substitution };
      if (c === CC_BACKSLASH) p += 2;
      else if (c === CC_DOLLAR && src.charCodeAt(p + 1) === CC_LBRACE) {
        substitution = true;
        pos = p + 2;
        skipSubstitution();
        p = pos;
      } else p++;
    }
    problemAt('unterminated template literal', startPos);
    return { end: len, substitution };
  };

  /** Skip the expression of a `${ ... }` up to and past its closing brace. */
  const skipSubstitution = (): void => {
    let braces = 0;
    let prev: Token | null = null;
    while (pos < len) {
      const newline = skipTrivia();
      if (pos >= len) break;
      const c = src.charCodeAt(pos);
      if (c === CC_RBRACE && braces === 0) {
        pos++;
        return;
      }
      const savedControl = controlParen;
      const savedPrevPrev = prevPrev;
      controlParen = false;
      prevPrev = null;
      const t = readToken(prev, newline, 0);
      controlParen = savedControl;
      prevPrev = savedPrevPrev;
      if (t.text === '{') braces++;
      else if (t.text === '}') braces--;
      prev = t;
    }
  };

  /** Set when the last `)` closed the condition of `if`/`while`/`for`/`with`. */
  let controlParen = false;
  /** The token before the previous one (for telling postfix `++` from a binary `+`). */
  let prevPrev: Token | null = null;

  const regexAllowed = (prev: Token | null): boolean => {
    if (prev === null) return true;
    switch (prev.kind) {
      case 'punct':
        if (prev.text === ')') return controlParen;
        if ((prev.text === '+' || prev.text === '-') && prevPrev && prevPrev.text === prev.text && prevPrev.end === prev.start) return false; // x++ / y
        return !(prev.text === ']' || prev.text === '}');
      case 'ident':
        return KEYWORDS_BEFORE_EXPRESSION.has(prev.text);
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

  const make = (kind: TokenKind, start: number, end: number, newline: boolean, depth: number): Token => ({
    kind,
    text: src.slice(start, end),
    value: undefined,
    substitution: false,
    start,
    end,
    line: 0,
    column: 0,
    depth,
    newlineBefore: newline,
  });

  /** Read one token at `pos` (trivia already skipped). */
  const readToken = (prev: Token | null, newline: boolean, depth: number): Token => {
    const start = pos;
    const c = src.charCodeAt(pos);
    if (isIdentStart(c) || (c === CC_BACKSLASH && src.charCodeAt(pos + 1) === 117)) {
      pos++;
      while (pos < len) {
        const d = src.charCodeAt(pos);
        if (isIdentPart(d)) pos++;
        else if (d === CC_BACKSLASH && src.charCodeAt(pos + 1) === 117) pos += 2;
        else break;
      }
      return make('ident', start, pos, newline, depth);
    }
    if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(pos + 1)))) {
      pos++;
      while (pos < len) {
        const d = src.charCodeAt(pos);
        if (isIdentPart(d) || d === 46) pos++;
        else if ((d === 43 || d === 45) && (src.charCodeAt(pos - 1) | 32) === 101 && !/^0[xX]/.test(src.slice(start, pos))) pos++;
        else break;
      }
      return make('number', start, pos, newline, depth);
    }
    if (c === 39 || c === 34) {
      pos = readString(c);
      const t = make('string', start, pos, newline, depth);
      const closed = pos - start >= 2 && src.charCodeAt(pos - 1) === c;
      t.value = cookEscapes(src.slice(start + 1, closed ? pos - 1 : pos));
      return t;
    }
    if (c === CC_BACKTICK) {
      const { end, substitution } = readTemplate();
      pos = end;
      const t = make('template', start, end, newline, depth);
      if (substitution) t.substitution = true;
      else {
        const closed = end - start >= 2 && src.charCodeAt(end - 1) === CC_BACKTICK;
        t.value = cookEscapes(src.slice(start + 1, closed ? end - 1 : end));
      }
      return t;
    }
    if (c === 35 && isIdentStart(src.charCodeAt(pos + 1))) {
      pos++;
      while (pos < len && isIdentPart(src.charCodeAt(pos))) pos++;
      return make('private', start, pos, newline, depth);
    }
    if (c === CC_SLASH && regexAllowed(prev)) {
      const end = tryRegex();
      if (end > 0) {
        pos = end;
        return make('regex', start, end, newline, depth);
      }
    }
    if (c === 61 && src.charCodeAt(pos + 1) === 62) {
      pos += 2;
      return make('punct', start, pos, newline, depth);
    }
    if (c === 46 && src.charCodeAt(pos + 1) === 46 && src.charCodeAt(pos + 2) === 46) {
      pos += 3;
      return make('punct', start, pos, newline, depth);
    }
    // A lone surrogate or any other character: one code unit of punctuation.
    pos++;
    return make('punct', start, pos, newline, depth);
  };

  const stack: number[] = [];
  let depth = 0;
  let prev: Token | null = null;
  while (true) {
    const newline = skipTrivia();
    if (pos >= len) break;
    const c = src.charCodeAt(pos);
    const isClose = c === 41 || c === 93 || c === CC_RBRACE;
    if (isClose && depth > 0) depth--;
    const t = readToken(prev, newline, depth);
    const l = lineAt(t.start);
    t.line = l + 1;
    t.column = t.start - lineStarts[l] + 1;
    if (t.kind === 'punct' && (c === 40 || c === 91 || c === CC_LBRACE)) {
      stack.push(tokens.length);
      depth++;
    } else if (t.kind === 'punct' && isClose) {
      const open = stack.pop();
      if (open === undefined) problems.push({ message: `unbalanced '${t.text}'`, line: t.line, column: t.column });
      else if (c === 41) {
        const before = open > 0 ? tokens[open - 1] : undefined;
        controlParen = before !== undefined && before.kind === 'ident' && (before.text === 'if' || before.text === 'while' || before.text === 'for' || before.text === 'with');
      }
    }
    tokens.push(t);
    prevPrev = prev;
    prev = t;
  }

  const pairs = new Int32Array(tokens.length).fill(-1);
  const open: number[] = [];
  const partner: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'punct') continue;
    const s = t.text;
    if (s === '(' || s === '[' || s === '{') open.push(i);
    else if (s === ')' || s === ']' || s === '}') {
      const o = open.pop();
      if (o === undefined) continue;
      if (tokens[o].text !== partner[s]) {
        problems.push({ message: `'${s}' does not close '${tokens[o].text}' opened at ${tokens[o].line}:${tokens[o].column}`, line: t.line, column: t.column });
        continue;
      }
      pairs[o] = i;
      pairs[i] = o;
    }
  }
  for (const o of open) {
    problems.push({ message: `'${tokens[o].text}' is never closed`, line: tokens[o].line, column: tokens[o].column });
  }
  return { tokens, match: pairs, problems };
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
