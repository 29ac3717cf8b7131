/**
 * Drift rules beyond the fixture pairs: module ownership (nested modules, shared helpers,
 * modules mapped as files), and type-only imports counted apart.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Validator } from '../validator.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'spell-drift-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const spell = (name: string, deps: string[] = []) => [`#Spell: ${name}`, `^ Intent: Do ${name}.`, '! Guarantee: it is done', '- Exclusion: nothing else', ...deps.map((d) => `> ${d}`), ''].join('\n');
const drift = (dir: string) => new Validator({ paths: [join(dir, 'spellbook')] }).run().diagnostics.filter((d) => d.rule.startsWith('drift/')).map((d) => [d.rule, d.spell, d.message]);

describe('drift: which module a file belongs to', () => {
  it('gives a module nested in another module to its own spell, and walks shared helpers as part of the importer', () => {
    const dir = project({
      'spellbook/outer.spell': spell('Outer'),
      'spellbook/inner.spell': spell('Inner'),
      'spellbook/base.spell': spell('Base'),
      'spellbook/spellbook.yaml': 'spells:\n  Outer:\n    module: src/outer\n  Inner:\n    module: src/outer/inner\n  Base:\n    module: src/base.ts\n',
      'src/outer/index.ts': "export { run } from './run.js';\n",
      'src/outer/run.ts': "import { inner } from './inner/index.js';\nimport type { Help } from '../shared/help.js';\nexport const run = (h: Help) => inner(h);\n",
      'src/outer/inner/index.ts': 'export const inner = (x: unknown) => x;\n',
      'src/shared/help.ts': "import type { Base } from '../base.js';\nexport type Help = Base;\n",
      'src/base.ts': 'export interface Base { n: number }\n',
    });
    // In file order: src/outer/run.ts, then the helper src/shared/help.ts it reaches.
    expect(drift(dir)).toEqual([
      ['drift/undeclared-dependency', 'Outer', expect.stringContaining('Outer (src/outer) imports src/outer/inner of Inner (1 import)')],
      ['drift/undeclared-dependency', 'Outer', expect.stringContaining('Outer (src/outer) imports src/base.ts of Base (1 import, 1 type-only)')],
    ]);
  });

  it('is clean when the edges follow the imports, type-only ones included', () => {
    const dir = project({
      'spellbook/outer.spell': spell('Outer', ['Inner', 'Base']),
      'spellbook/inner.spell': spell('Inner'),
      'spellbook/base.spell': spell('Base'),
      'spellbook/spellbook.yaml': 'spells:\n  Outer:\n    module: src/outer\n  Inner:\n    module: src/outer/inner\n  Base:\n    module: src/base.ts\n',
      'src/outer/index.ts': "export { inner } from './inner/index.js';\nexport type { Base } from '../base.js';\n",
      'src/outer/inner/index.ts': 'export const inner = 1;\n',
      'src/base.ts': 'export interface Base { n: number }\n',
    });
    expect(drift(dir)).toEqual([]);
  });
});
