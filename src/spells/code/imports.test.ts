/**
 * The import reader: every way a file names another module, type-only ones told apart,
 * re-exports and the module's own files followed, packages listed apart, nothing thrown.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModuleImports } from './imports.js';
import { scanModule } from './module-scan.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spell-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('module references', () => {
  it('reads every kind of reference and marks the type-only ones', () => {
    const scan = scanModule([
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "import { type C, type D } from './c.js';",
      "import { type E, f } from './e.js';",
      "import './side.js';",
      "export * from './star.js';",
      "export type * from './types.js';",
      "export { g } from './g.js';",
      "export type { H } from './h.js';",
      "import x = require('./req.js');",
      "const lazy = await import('./lazy.js');",
      "type P = import('./typed.js').Peer;",
      "import('./then.js').then(() => {});",
      "import.meta.url;",
      'const later = import(name);',
    ].join('\n'));
    expect(scan.references.map((r) => [r.specifier, r.kind, r.typeOnly, r.at.line])).toEqual([
      ['./a.js', 'import', false, 1],
      ['./b.js', 'import', true, 2],
      ['./c.js', 'import', true, 3],
      ['./e.js', 'import', false, 4],
      ['./side.js', 'side-effect', false, 5],
      ['./star.js', 'reexport', false, 6],
      ['./types.js', 'reexport', true, 7],
      ['./g.js', 'reexport', false, 8],
      ['./h.js', 'reexport', true, 9],
      ['./req.js', 'require', false, 10],
      ['./lazy.js', 'dynamic', false, 11],
      ['./typed.js', 'dynamic', true, 12],
      ['./then.js', 'dynamic', false, 13],
    ]);
  });

  it('ignores import-like text in strings, comments and templates', () => {
    const scan = scanModule("const s = \"import { a } from './a.js'\";\n// import './b.js';\nconst t = `export * from './c.js'`;\n");
    expect(scan.references).toEqual([]);
  });
});

describe('readModuleImports', () => {
  it('walks the module from its index through re-exports and its own files, and reports what leaves it', () => {
    const root = project({
      'src/a/index.ts': "export { run } from './run.js';\nexport type { Shape } from './shape.js';\n",
      'src/a/run.ts': "import { helper } from '../b/index.js';\nimport type { T } from '../c';\nimport { readFileSync } from 'node:fs';\nexport const run = () => helper(readFileSync);\n",
      'src/a/shape.ts': "import type { Z } from '../b/z.js';\nexport interface Shape { z: Z }\n",
      'src/a/unused.ts': "import '../d/index.js';\n",
      'src/b/index.ts': 'export const helper = (x: unknown) => x;\n',
      'src/b/z.ts': 'export interface Z { n: number }\n',
      'src/c/index.ts': 'export interface T { n: number }\n',
    });
    const result = readModuleImports(join(root, 'src/a'));
    expect(result.files.map((f) => f.slice(root.length + 1))).toEqual(['src/a/index.ts', 'src/a/run.ts', 'src/a/shape.ts']);
    expect(result.external.map((r) => [r.location.file.slice(root.length + 1), r.location.line, r.target?.slice(root.length + 1), r.typeOnly])).toEqual([
      ['src/a/run.ts', 1, 'src/b/index.ts', false],
      ['src/a/run.ts', 2, 'src/c/index.ts', true],
      ['src/a/shape.ts', 1, 'src/b/z.ts', true],
    ]);
    expect(result.packages.map((r) => r.specifier)).toEqual(['node:fs']);
    expect(result.problems).toEqual([]);
  });

  it('turns a missing module or entry into a located problem, and stops on cycles', () => {
    const root = project({
      'm/index.ts': "import './x.js';\nimport { gone } from './gone.js';\n",
      'm/x.ts': "import './index.js';\n",
    });
    const result = readModuleImports(join(root, 'm'));
    expect(result.files).toHaveLength(2);
    expect(result.problems).toMatchObject([{ message: "cannot find module './gone.js'", location: { line: 2 } }]);
    expect(readModuleImports(join(root, 'nowhere')).problems[0].message).toMatch(/module entry not found/);
  });

  it('stops at maxFiles and says so', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`m/f${i}.ts`] = `import './f${i + 1}.js';\n`;
    files['m/index.ts'] = "import './f0.js';\n";
    const result = readModuleImports(join(project(files), 'm'), { maxFiles: 4 });
    expect(result.files).toHaveLength(4);
    expect(result.truncated).toBe(true);
  });
});
