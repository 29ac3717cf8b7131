import { describe, expect, it } from 'vitest';
import { cookEscapes, position, tableText, tokenTable, tokenize, tokenText } from './tokenizer.js';

const kinds = (src: string) => tokenize(src).tokens.map((t) => `${t.kind}:${t.text}`);

describe('tokenize', () => {
  it('drops comments and keeps strings whole', () => {
    expect(kinds("a /* export b */ // export c\n'export d' \"e\\\"f\"")).toEqual([
      'ident:a',
      "string:'export d'",
      'string:"e\\"f"',
    ]);
  });

  it('reads a template with nested substitutions and templates as one token', () => {
    const src = 'x = `a ${ { b: `c ${ "}" } d` }.b } e`; y';
    const t = tokenize(src);
    expect(t.tokens.map((k) => k.text)).toEqual(['x', '=', src.slice(4, src.indexOf(';')), ';', 'y']);
    expect(t.tokens[2]).toMatchObject({ kind: 'template', substitution: true });
    expect(t.problems).toEqual([]);
  });

  it('cooks plain template and string values', () => {
    const t = tokenize("`a\\`b` 'c\\'d\\u0041\\x42\\u{1F600}'").tokens;
    expect(t[0]).toMatchObject({ kind: 'template', value: 'a`b' });
    expect(t[0].substitution).toBe(false);
    expect(t[1].value).toBe("c'dAB\u{1F600}");
  });

  it('tells a regex from a division by the previous token', () => {
    expect(kinds('a = /x\\/[/]y/g; b = c / d / e; return /z/')).toEqual([
      'ident:a', 'punct:=', 'regex:/x\\/[/]y/g', 'punct:;',
      'ident:b', 'punct:=', 'ident:c', 'punct:/', 'ident:d', 'punct:/', 'ident:e', 'punct:;',
      'ident:return', 'regex:/z/',
    ]);
  });

  it('reads a regex after an if condition and division after postfix ++', () => {
    expect(kinds('if (a) /x/.test(b); c++ / 2 / 3; (d) / 4 / 5')).toEqual([
      'ident:if', 'punct:(', 'ident:a', 'punct:)', 'regex:/x/', 'punct:.', 'ident:test', 'punct:(', 'ident:b', 'punct:)', 'punct:;',
      'ident:c', 'punct:+', 'punct:+', 'punct:/', 'number:2', 'punct:/', 'number:3', 'punct:;',
      'punct:(', 'ident:d', 'punct:)', 'punct:/', 'number:4', 'punct:/', 'number:5',
    ]);
  });

  it('records 1-based line and column, depth, line breaks and bracket partners', () => {
    const t = tokenize('f(a, {\n  b: [1]\r\n})');
    const b = t.tokens.find((k) => k.text === 'b');
    expect(b).toMatchObject({ line: 2, column: 3, depth: 2, newlineBefore: true });
    const one = t.tokens.find((k) => k.text === '1');
    expect(one).toMatchObject({ line: 2, column: 7, depth: 3 });
    const close = t.tokens[t.tokens.length - 1];
    expect(close).toMatchObject({ text: ')', line: 3, column: 2, depth: 0 });
    expect(t.match[1]).toBe(t.tokens.length - 1);
    expect(t.match[t.tokens.length - 1]).toBe(1);
  });

  it('reports unterminated literals and unbalanced brackets as problems, never throwing', () => {
    expect(tokenize("a = 'open\nb").problems[0]).toEqual({ message: 'unterminated string literal', line: 1, column: 5 });
    expect(tokenize('a = `open ${ b').problems.map((p) => p.message)).toContain('unterminated template literal');
    expect(tokenize('/* open').problems[0].message).toBe('unterminated block comment');
    expect(tokenize('f(]').problems.map((p) => p.message)).toEqual(["']' does not close '(' opened at 1:2"]);
    expect(tokenize('{ a').problems.map((p) => p.message)).toEqual(["'{' is never closed"]);
  });

  it('keeps => and ... whole, private names and numbers', () => {
    expect(kinds('(...a) => #b + 1_000n + 1e-3 + .5')).toEqual([
      'punct:(', 'punct:...', 'ident:a', 'punct:)', 'punct:=>', 'private:#b', 'punct:+', 'number:1_000n',
      'punct:+', 'number:1e-3', 'punct:+', 'number:.5',
    ]);
  });

  it('gives a template with substitutions no cooked value, whatever is read inside them', () => {
    const t = tokenize('x = `a ${ "b" } c ${ `d` }`; y = "e"').tokens;
    expect(t[2]).toMatchObject({ kind: 'template', substitution: true, value: undefined });
    expect(t[6]).toMatchObject({ kind: 'string', value: 'e' });
  });

  it('reuses one table: a short text read after a long one holds only its own tokens', () => {
    const long = Array.from({ length: 3000 }, (_, i) => `const v${i} = 'x${i}';`).join('\n');
    expect(tokenTable(long).count).toBe(15000);
    const table = tokenTable("f(`t`, 'u')");
    expect(table.count).toBe(6);
    expect(table.text.slice(0, table.count)).toEqual(['f', '(', '`t`', ',', "'u'", ')']);
    expect(table.value.slice(0, table.count)).toEqual([undefined, undefined, 't', undefined, 'u', undefined]);
    expect(Array.from(table.match.subarray(0, table.count))).toEqual([-1, 5, -1, -1, -1, 1]);
    expect(tableText(table, 0, table.count)).toBe("f(`t`, 'u')");
    expect(tokenize("f(`t`, 'u')").tokens.map((k) => k.text)).toEqual(table.text.slice(0, 6));
  });

  it('places offsets on 1-based lines and columns across LF, CRLF, CR and U+2028 breaks', () => {
    const table = tokenTable('a\r\nb\rc\u2028d\ne');
    const where = (name: string) => position(table, table.start[table.text.indexOf(name)]);
    expect(['a', 'b', 'c', 'd', 'e'].map(where)).toEqual([1, 2, 3, 4, 5].map((line) => ({ line, column: 1 })));
  });

  it('joins token text with single spaces where the source had whitespace or comments', () => {
    const t = tokenize('a :  Map<string,/* c */ number>\n| undefined').tokens;
    expect(tokenText(t, 0, t.length)).toBe('a : Map<string, number> | undefined');
  });
});

describe('cookEscapes', () => {
  it('decodes escapes and line continuations', () => {
    expect(cookEscapes('a\\nb\\tc\\\\d\\\ne')).toBe('a\nb\tc\\de');
  });
});
