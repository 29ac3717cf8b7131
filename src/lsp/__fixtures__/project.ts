/**
 * A small spell project written to a temporary folder for the language server tests: two
 * spells (a `.spell` file and a Markdown book), a manifest, the module implementing them,
 * its tests and a vitest JSON report with their last results.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ALPHA = [
  '#Spell: Alpha',
  '^ Intent: Make widgets for the other spells.',
  '@Widget',
  '  : WidgetOptions -> Widget',
  '  ! a widget is never empty',
  '! Guarantee: widgets are made in order',
  '- Exclusion: no network access',
  '$ prove: widgets work -> test: makes a widget',
  '',
  '[Test Cases]',
  '- rejects an empty widget',
  '',
].join('\n');

export const BETA_BOOK = [
  '# Beta book',
  '',
  'Prose about the Beta spell is ignored.',
  '',
  '## #Spell: Beta',
  '^ Intent: Use widgets.',
  '> Alpha',
  '> @Widget',
  '! Guarantee: every Widget is used once',
  '- Exclusion: no storage',
  '',
].join('\n');

export const MODULE = [
  'export interface WidgetOptions { size: number }',
  'export class Widget {',
  '  constructor(readonly options: WidgetOptions) {}',
  '}',
  'export function makeGadget(): number { return 1; }',
  '',
].join('\n');

export const TESTS = [
  "import { it } from 'vitest';",
  "it('makes a widget', () => {});",
  "it('rejects an empty widget', () => {});",
  '',
].join('\n');

export const MANIFEST = [
  'spells:',
  '  Alpha:',
  '    module: src/alpha',
  '    tests: [src/alpha/**/*.test.ts]',
  '  Beta:',
  '    module: src/alpha',
  '    tests: [src/alpha/**/*.test.ts]',
  '',
].join('\n');

export function vitestReport(root: string): string {
  const file = join(root, 'src/alpha/alpha.test.ts');
  return JSON.stringify({
    testResults: [{ name: file, assertionResults: [
      { ancestorTitles: [], title: 'makes a widget', fullName: 'makes a widget', status: 'passed' },
      { ancestorTitles: [], title: 'rejects an empty widget', fullName: 'rejects an empty widget', status: 'failed' },
    ] }],
  });
}

/** Write the project; returns its root. */
export function writeProject(extra: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'spell-lsp-'));
  const files: Record<string, string> = {
    'spellbook/spellbook.yaml': MANIFEST,
    'spellbook/Alpha.spell': ALPHA,
    'spellbook/beta.md': BETA_BOOK,
    'src/alpha/index.ts': MODULE,
    'src/alpha/alpha.test.ts': TESTS,
    ...extra,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(root, 'reports/vitest.json'), vitestReport(root));
  return root;
}
