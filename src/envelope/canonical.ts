/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), written here, plus a strict JSON text reader.
 * Browser-safe: no Node imports.
 *
 * - Serialization (RFC 8785 section 3.2.2): literals as is; strings as ECMAScript
 *   JSON.stringify writes them (section 3.2.2.2); numbers as ECMAScript Number::toString
 *   (section 3.2.2.3); object members sorted by their names as arrays of UTF-16 code units
 *   (section 3.2.3); no whitespace.
 * - Refused, because canonical JSON could not carry the value exactly (section 3.1, I-JSON
 *   RFC 7493): non-finite numbers, `-0` (it would be written `0`), integers beyond 2^53 - 1
 *   (JSON.parse has already rounded them), strings or names with lone surrogates, `undefined`,
 *   functions, symbols, bigints, objects that are not plain, and nesting deeper than
 *   MAX_JSON_DEPTH. `strict: false` keeps RFC 8785's own behaviour for numbers (`-0` as `0`,
 *   any finite integer) so its examples can be tested as written.
 * - `parseJson` reads RFC 8259 text like JSON.parse but refuses duplicate member names
 *   (JSON.parse keeps the last silently), with the line and column of the problem.
 */
import { MAX_JSON_DEPTH } from './constants.js';
import { EnvelopeError } from './errors.js';

export interface CanonicalOptions {
  /** Refuse `-0` and integers beyond 2^53 - 1 (default true). Non-finite numbers are always refused. */
  strict?: boolean;
  maxDepth?: number;
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** JSON pointer (RFC 6901) of a path; built only when something is refused. */
function pointerOf(path: readonly (string | number)[]): string {
  return path.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function refuse(detail: string, path: readonly (string | number)[]): never {
  throw new EnvelopeError('not-canonicalizable', detail, { path: pointerOf(path) });
}

function serializeString(text: string, path: (string | number)[]): string {
  if (LONE_SURROGATE.test(text)) refuse('string has a lone surrogate', path);
  return JSON.stringify(text);
}

function serializeNumber(n: number, path: (string | number)[], strict: boolean): string {
  if (!Number.isFinite(n)) refuse(`non-finite number ${n}`, path);
  if (strict) {
    if (Object.is(n, -0)) refuse('-0 would be written as 0', path);
    if (Number.isInteger(n) && Math.abs(n) > Number.MAX_SAFE_INTEGER) refuse('integer beyond 2^53 - 1', path);
  }
  return String(n);
}

/** `path` is a stack of keys, pushed and popped as the walk goes (no string per member). */
function serialize(value: unknown, path: (string | number)[], depth: number, options: Required<CanonicalOptions>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path, options.strict);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return refuse(`${typeof value} is not a JSON value`, path);
  }
  if (value === null) return 'null';
  if (depth >= options.maxDepth) refuse(`nested deeper than ${options.maxDepth}`, path);
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      if (!(i in value)) refuse('array has a hole', path);
      parts.push(serialize(value[i], path, depth + 1, options));
      path.pop();
    }
    return `[${parts.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) refuse('not a plain object', path);
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, as RFC 8785 section 3.2.3 requires.
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    path.push(key);
    parts.push(`${serializeString(key, path)}:${serialize(record[key], path, depth + 1, options)}`);
    path.pop();
  }
  return `{${parts.join(',')}}`;
}

/** RFC 8785 canonical JSON text of `value`; throws EnvelopeError `not-canonicalizable` with the JSON pointer of the value. */
export function canonicalize(value: unknown, options: CanonicalOptions = {}): string {
  return serialize(value, [], 0, { strict: options.strict ?? true, maxDepth: options.maxDepth ?? MAX_JSON_DEPTH });
}

const encoder = new TextEncoder();

/** UTF-8 bytes of the canonical JSON (RFC 8785 section 3.2.4). */
export function canonicalBytes(value: unknown, options?: CanonicalOptions): Uint8Array {
  return encoder.encode(canonicalize(value, options));
}

// ---- strict JSON text reader (RFC 8259) ----

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Reader {
  at = 0;
  /** Keys from the root to the value being read. */
  readonly path: (string | number)[] = [];
  constructor(
    readonly text: string,
    readonly maxDepth: number,
  ) {}

  fail(code: 'bad-json' | 'duplicate-key', detail: string, at = this.at, path = ''): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new EnvelopeError(code, detail, { path, line, column: at - lineStart + 1 });
  }

  ws(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.at++;
      else break;
    }
  }

  value(depth: number): unknown {
    this.ws();
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't' || c === 'f' || c === 'n') {
      for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
        if (this.text.startsWith(word, this.at)) {
          this.at += word.length;
          return v;
        }
      }
      return this.fail('bad-json', 'unexpected token');
    }
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail('bad-json', c === undefined ? 'unexpected end of text' : 'unexpected token');
    this.at += m[0].length;
    return Number(m[0]);
  }

  string(): string {
    const t = this.text;
    const start = this.at++;
    for (;;) {
      if (this.at >= t.length) return this.fail('bad-json', 'unterminated string', start);
      const c = t.charCodeAt(this.at);
      if (c === 0x22) break;
      if (c < 0x20) return this.fail('bad-json', 'control character in string');
      if (c === 0x5c) {
        const e = t[this.at + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.at + 2, this.at + 6))) return this.fail('bad-json', 'bad \\u escape');
          this.at += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return this.fail('bad-json', 'bad escape');
        this.at += 2;
        continue;
      }
      this.at++;
    }
    this.at++;
    return JSON.parse(t.slice(start, this.at)) as string;
  }

  array(depth: number): unknown[] {
    if (depth >= this.maxDepth) this.fail('bad-json', `nested deeper than ${this.maxDepth}`);
    this.at++;
    const out: unknown[] = [];
    this.ws();
    if (this.text[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      this.path.push(out.length);
      out.push(this.value(depth + 1));
      this.path.pop();
      this.ws();
      const c = this.text[this.at++];
      if (c === ']') return out;
      if (c !== ',') return this.fail('bad-json', "expected ',' or ']'", this.at - 1);
    }
  }

  object(depth: number): Record<string, unknown> {
    if (depth >= this.maxDepth) this.fail('bad-json', `nested deeper than ${this.maxDepth}`);
    this.at++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.at] !== '"') return this.fail('bad-json', 'expected a member name');
      const keyAt = this.at;
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) this.fail('duplicate-key', `'${key.slice(0, 40)}'`, keyAt, pointerOf([...this.path, key]));
      this.ws();
      if (this.text[this.at++] !== ':') return this.fail('bad-json', "expected ':'", this.at - 1);
      this.path.push(key);
      const v = this.value(depth + 1);
      this.path.pop();
      // defineProperty so a member named __proto__ stays a member, as in JSON.parse.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.text[this.at++];
      if (c === '}') return out;
      if (c !== ',') return this.fail('bad-json', "expected ',' or '}'", this.at - 1);
    }
  }
}

/**
 * Parse JSON text (RFC 8259) to the same value JSON.parse gives, but refuse duplicate member
 * names (`duplicate-key`) and nesting beyond `maxDepth`; errors carry line and column.
 */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const reader = new Reader(text, maxDepth);
  const value = reader.value(0);
  reader.ws();
  if (reader.at !== text.length) reader.fail('bad-json', 'text after the value');
  return value;
}
