import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModuleExports, resolveRelative, resolveSpecifier } from './exports.js';
import { clearCodeCaches } from './file-cache.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const proj = join(fixtures, 'proj/src');
const broken = join(fixtures, 'broken');

describe('readModuleExports on the fixture project', () => {
  const result = readModuleExports(proj);
  const get = (name: string) => {
    const s = result.symbols.get(name);
    if (!s) throw new Error(`missing export ${name}; have ${[...result.symbols.keys()].join(', ')}`);
    return s;
  };

  it('resolves a folder to its index.ts and reports no problems', () => {
    expect(result.entry).toBe(join(proj, 'index.ts'));
    expect(result.problems).toEqual([]);
  });

  it('lists exactly the exported names, following every re-export form', () => {
    expect([...result.symbols.keys()].sort()).toEqual(
      [
        // index.ts own declarations
        'overloaded', 'generic', 'arrow', 'untyped', 'typedByAnnotation', 'constant', 'second', 'counter', 'legacy',
        'Direction', 'Flag', 'Shape', 'Pair', 'Spaces', 'declared', 'BannerText', 'default', 'imported', 'ns',
        // export * from './parser.js'
        'Parser', 'ParserOptions', 'ParsedThing', 'parseThing',
        // export { Session as RenamedSession, type SessionOptions } from; export type { Codec } from
        'RenamedSession', 'SessionOptions', 'Codec', 'Decorated',
        // export * from './util/index.js' (itself export *, export { deep } from, export type * from)
        'collapse', 'deep', 'Circle', 'Area', 'collapseDefault', 'collapseText',
        // export * as helpers
        'helpers',
        // export * from a cycle
        'fromA', 'fromB', 'aliasOfA',
      ].sort(),
    );
  });

  it('ignores export-like text in comments, strings, template literals and regexes', () => {
    for (const fake of ['CommentFake', 'commentFake', 'LineCommentFake', 'StringFake', 'fakeDouble', 'TemplateFake', 'NestedFake', 'RegexFake']) {
      expect(result.symbols.has(fake), fake).toBe(false);
    }
  });

  it('gives each declaration kind', () => {
    const kinds = Object.fromEntries([...result.symbols.values()].map((s) => [s.name, s.kind]));
    expect(kinds).toMatchObject({
      overloaded: 'function', Parser: 'class', constant: 'const', second: 'const', counter: 'let', legacy: 'var',
      Pair: 'type', Shape: 'interface', Direction: 'enum', Flag: 'enum', Spaces: 'namespace', helpers: 'namespace',
      ns: 'namespace', declared: 'function', default: 'function',
    });
  });

  it('locates a re-exported symbol at its declaration, 1-based', () => {
    expect(get('parseThing').location).toEqual({ file: join(proj, 'parser.ts'), line: 29, column: 17 });
    expect(get('RenamedSession').location).toEqual({ file: join(proj, 'session.ts'), line: 2, column: 14 });
    expect(get('deep').location.file).toBe(join(proj, 'util/deep/index.ts'));
  });

  it('reads overload signatures, not the implementation', () => {
    const s = get('overloaded');
    expect(s.signature).toEqual({ params: 'input: string', returns: 'number' });
    expect(s.overloads).toEqual([
      { params: 'input: string', returns: 'number' },
      { params: 'input: Uint8Array', returns: 'bigint' },
    ]);
  });

  it('reads a generic signature with constraints and defaults', () => {
    expect(get('generic').signature).toEqual({ params: 'value: T, extra?: U', returns: 'Promise<T>' });
  });

  it('reads arrow const signatures from the arrow or from a function type annotation', () => {
    expect(get('arrow').signature).toEqual({
      params: 'bytes: Uint8Array, options: { strict: boolean } = { strict: true }',
      returns: 'Promise<number>',
    });
    expect(get('typedByAnnotation').signature).toEqual({ params: 'payload: Uint8Array', returns: 'string' });
    expect(get('untyped').signature).toEqual({ params: 'x = 1', returns: '' });
    expect(get('constant').signature).toBeUndefined();
  });

  it('reads class constructor and public members, leaving out private, protected and setters', () => {
    expect(get('Parser').members).toEqual({
      constructor: { params: 'private readonly codec: Codec, options?: ParserOptions', returns: '' },
      parse: { params: 'bytes: Uint8Array', returns: 'ParsedThing | undefined' },
      from: { params: 'text: string', returns: 'Parser' },
      size: { params: '', returns: 'number' },
      handler: { params: 'event: MessageEvent', returns: 'boolean' },
      describe: { params: '', returns: '{ text: string }' },
    });
  });

  it('reads a decorated class and its decorated members', () => {
    expect(get('Decorated').members).toEqual({
      create: { params: 'options: SessionOptions', returns: 'Decorated' },
      constructor: { params: 'readonly id: string', returns: '' },
    });
  });

  it('reads an anonymous default function export under the name default', () => {
    expect(get('default')).toMatchObject({ kind: 'function', signature: { params: 'input: string', returns: 'Shape' } });
  });

  it('follows an imported binding that is exported by name', () => {
    expect(get('imported')).toMatchObject({ kind: 'function', location: { file: join(proj, 'helpers.ts'), line: 1 } });
    expect(get('BannerText')).toMatchObject({ kind: 'const', location: { line: 16, column: 7 } });
  });

  it('does not re-export a default through export *', () => {
    // util/text.ts has `export default collapse`, index.ts's own default is the anonymous function.
    expect(get('default').location.file).toBe(join(proj, 'index.ts'));
  });

  it('follows export default of a local name and re-exports it as { default as name }', () => {
    const text = readModuleExports(join(proj, 'util/text.ts')).symbols.get('default');
    expect(text).toMatchObject({ name: 'default', kind: 'function', location: { file: join(proj, 'util/text.ts'), line: 1, column: 17 } });
    expect(get('collapseDefault')).toMatchObject({ name: 'collapseDefault', kind: 'function', signature: { params: 'text: string', returns: 'string' } });
  });

  it('terminates on an export * cycle and sees both sides of it', () => {
    const a = readModuleExports(join(proj, 'cycle/a.ts'));
    expect([...a.symbols.keys()].sort()).toEqual(['aliasOfA', 'fromA', 'fromB']);
    const b = readModuleExports(join(proj, 'cycle/b.ts'));
    expect([...b.symbols.keys()].sort()).toEqual(['aliasOfA', 'fromA', 'fromB']);
    expect(b.symbols.get('aliasOfA')?.location).toEqual({ file: join(proj, 'cycle/a.ts'), line: 2, column: 14 });
  });
});

describe('export default forms', () => {
  const def = (file: string) => readModuleExports(join(fixtures, 'defaults', file)).symbols.get('default');

  it('reads an anonymous class extending a base, with its methods', () => {
    expect(def('class.ts')).toMatchObject({ kind: 'class', members: { run: { params: 'input: Uint8Array', returns: 'number' } }, location: { line: 2, column: 16 } });
  });

  it('reads an async arrow expression with its signature', () => {
    expect(def('arrow.ts')).toMatchObject({ kind: 'const', signature: { params: 'bytes: Uint8Array', returns: 'Promise<number>' } });
  });

  it('reads an object expression as a const without a signature', () => {
    const s = def('object.ts');
    expect(s).toMatchObject({ name: 'default', kind: 'const', location: { line: 1, column: 8 } });
    expect(s?.signature).toBeUndefined();
  });

  it('reads a local function exported as default by name', () => {
    expect(def('named-later.ts')).toMatchObject({ kind: 'function', signature: { params: 'text: string', returns: 'string[]' }, location: { line: 1, column: 10 } });
  });
});

describe('readModuleExports problems', () => {
  it('turns missing re-export targets and undeclared names into problems, keeping the rest', () => {
    const r = readModuleExports(broken);
    expect([...r.symbols.keys()].sort()).toEqual(['fine', 'present']);
    const file = join(broken, 'index.ts');
    expect(r.problems).toEqual(
      expect.arrayContaining([
        { message: "cannot find module './gone.js'", location: { file, line: 2, column: 1 } },
        { message: "cannot find module './also-gone.js'", location: { file, line: 3, column: 10 } },
        { message: "'./present.js' does not export 'absent'", location: { file, line: 4, column: 19 } },
        { message: "exported name 'undeclared' is not declared or imported in this file", location: { file, line: 5, column: 10 } },
      ]),
    );
    expect(r.problems).toHaveLength(4);
  });

  it('reports a missing entry instead of throwing', () => {
    const r = readModuleExports(join(fixtures, 'no-such-module'));
    expect(r.symbols.size).toBe(0);
    expect(r.problems[0].message).toMatch(/^module entry not found: .*no-such-module$/);
  });
});

describe('resolveSpecifier', () => {
  it('maps .js to .ts, a folder to its index.ts, and leaves packages alone', () => {
    const from = join(proj, 'index.ts');
    expect(resolveSpecifier(from, './parser.js')).toBe(join(proj, 'parser.ts'));
    expect(resolveSpecifier(from, './util/index.js')).toBe(join(proj, 'util/index.ts'));
    expect(resolveSpecifier(from, './util/deep')).toBe(join(proj, 'util/deep/index.ts'));
    expect(resolveSpecifier(from, './util/deep.js')).toBe(join(proj, 'util/deep/index.ts'));
    expect(resolveSpecifier(from, './nothing.js')).toBeUndefined();
    expect(resolveSpecifier(from, 'node:fs')).toBe('package');
  });
});

describe('file cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spells-code-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('re-reads a file whose size or mtime changed', () => {
    mkdirSync(join(dir, 'm'));
    copyFileSync(join(proj, 'helpers.ts'), join(dir, 'm/index.ts'));
    const first = readModuleExports(join(dir, 'm'));
    expect([...first.symbols.keys()].sort()).toEqual(['localHelper', 'other']);
    expect(readModuleExports(join(dir, 'm'))).toBe(first); // served from the cache
    writeFileSync(join(dir, 'm/index.ts'), 'export const changed = 1;\n');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'm/index.ts'), past, past);
    clearCodeCaches(); // else the stat taken above is trusted for up to a second
    expect([...readModuleExports(join(dir, 'm')).symbols.keys()]).toEqual(['changed']);
  });

  it('notices a re-export target that appears after it was reported missing', () => {
    mkdirSync(join(dir, 'late'));
    writeFileSync(join(dir, 'late/index.ts'), "export * from './later.js';\n");
    expect(readModuleExports(join(dir, 'late')).problems.map((p) => p.message)).toEqual(["cannot find module './later.js'"]);
    writeFileSync(join(dir, 'late/later.ts'), 'export const arrived = true;\n');
    clearCodeCaches();
    const after = readModuleExports(join(dir, 'late'));
    expect(after.problems).toEqual([]);
    expect([...after.symbols.keys()]).toEqual(['arrived']);
  });
});

describe('resolveRelative', () => {
  it('equals path.resolve(dirname(from), specifier) for absolute normalized files and every kind of specifier', () => {
    const froms = ['/a/b/c.ts', '/a/index.ts', '/x.ts', '/a/b/c/d/e.ts', '/a b/ü/c.ts'];
    const parts = ['.', '..', 'x', 'x.js', 'y.d.ts', '', '.hidden', 'x..js', '...'];
    const specifiers = new Set<string>(['.', '..', './', '../', '/abs/x.js', './a\\b', './/x', './x/', './x/.', './x/..', '../../../../../../x']);
    for (const a of parts) for (const b of parts) for (const c of parts) {
      for (const lead of ['./', '../', '../../', './../', '.././']) specifiers.add(`${lead}${[a, b, c].filter((p) => p !== '').join('/')}`);
    }
    let checked = 0;
    for (const from of froms) for (const s of specifiers) {
      expect(resolveRelative(from, s), `${from} + ${s}`).toBe(resolve(dirname(from), s));
      checked++;
    }
    expect(checked).toBeGreaterThan(3000);
  });
});
