/**
 * A cursor over one SDP line that reads space-separated tokens (RFC 8866 section 9 uses
 * single SP between fields; runs of spaces are accepted) and reports errors at the column
 * where they occur.
 */
import { PARSE_MESSAGES as M } from './constants.js';
import { SdpParseError } from './errors.js';

const SPACE = 32;

export class Cursor {
  /** 0-based index into `text`. */
  pos: number;

  constructor(
    readonly text: string,
    readonly line: number,
    start: number,
    /** Added to positions when reporting columns (for text cut out of a longer line). */
    readonly columnBase = 0,
  ) {
    this.pos = start;
  }

  /** Throw an `SdpParseError` at `at` (0-based index into the line). */
  fail(message: string, at: number = this.pos): never {
    throw new SdpParseError(message, this.line, at + 1 + this.columnBase);
  }

  skipSpaces(): void {
    const { text } = this;
    while (this.pos < text.length && text.charCodeAt(this.pos) === SPACE) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.pos >= this.text.length;
  }

  /** The next token (up to a space or the end). Throws when there is none. */
  token(what: string): string {
    this.skipSpaces();
    const { text } = this;
    const start = this.pos;
    let pos = start;
    while (pos < text.length && text.charCodeAt(pos) !== SPACE) pos++;
    if (pos === start) this.fail(M.missing(what));
    this.pos = pos;
    return text.slice(start, pos);
  }

  /** The next token if any, else undefined. */
  optionalToken(): string | undefined {
    return this.atEnd() ? undefined : this.token('token');
  }

  /** Everything after the next run of spaces, to the end of the line (possibly ''). */
  rest(): string {
    this.skipSpaces();
    const value = this.text.slice(this.pos);
    this.pos = this.text.length;
    return value;
  }

  /** The next token as a decimal integer in [0, max]. */
  uint(what: string, max: number): number {
    this.skipSpaces();
    const start = this.pos;
    const text = this.token(what);
    return parseDecimal(text, what, max, this.line, start + 1 + this.columnBase);
  }

  /** The next token, which must be all decimal digits (kept as text). */
  digits(what: string): string {
    this.skipSpaces();
    const start = this.pos;
    const text = this.token(what);
    checkDigits(text, what, this.line, start + 1 + this.columnBase);
    return text;
  }

  /** Read up to (not including) `stop` or a space; the stop character is consumed. */
  until(stop: number, what: string): string {
    this.skipSpaces();
    const { text } = this;
    const start = this.pos;
    let pos = start;
    while (pos < text.length && text.charCodeAt(pos) !== stop && text.charCodeAt(pos) !== SPACE) pos++;
    if (pos === start) this.fail(M.missing(what));
    this.pos = pos < text.length && text.charCodeAt(pos) === stop ? pos + 1 : pos;
    return text.slice(start, pos);
  }

  /** True when the cursor stands on `code` (without skipping spaces). */
  at(code: number): boolean {
    return this.pos < this.text.length && this.text.charCodeAt(this.pos) === code;
  }
}

/** Throw unless `text` is one or more decimal digits. `column` is 1-based. */
export function checkDigits(text: string, what: string, line: number, column: number): void {
  if (text.length === 0) throw new SdpParseError(M.missing(what), line, column);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) throw new SdpParseError(M.badNumber(what), line, column + i);
  }
}

/** Parse a decimal integer in [0, max] (max at most 2^53 - 1). `column` is 1-based. */
export function parseDecimal(text: string, what: string, max: number, line: number, column: number): number {
  if (text.length === 0) throw new SdpParseError(M.missing(what), line, column);
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) throw new SdpParseError(M.badNumber(what), line, column + i);
    value = value * 10 + (c - 48);
    if (value > max) throw new SdpParseError(M.outOfRange(what, max), line, column);
  }
  return value;
}

/** Parse a decimal integer or return undefined (no error): for lenient lookups. */
export function tryDecimal(text: string, max: number): number | undefined {
  if (text.length === 0) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    value = value * 10 + (c - 48);
    if (value > max) return undefined;
  }
  return value;
}
