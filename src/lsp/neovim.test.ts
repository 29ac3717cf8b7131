/**
 * `spell lsp` in a real editor nobody here wrote: Neovim (Debian's `neovim`, 0.7 or newer)
 * run headless with its built-in LSP client attaches the server to a spell file and gets the
 * diagnostics, a hover and a definition (script: `__fixtures__/neovim.lua`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../spells/index.js';
import { BIN } from './__fixtures__/client.js';
import { writeProject } from './__fixtures__/project.js';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });

describe('spell lsp in Neovim', () => {
  it('attaches to a spell file in headless Neovim and answers diagnostics, hover and definition', () => {
    expect(nvim.status, 'Neovim is needed for this test: apt-get install -y neovim').toBe(0);
    const root = writeProject();
    try {
      const file = join(root, 'spellbook', 'Alpha.spell');
      const out = join(root, 'nvim-result.json');
      const run = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${join(import.meta.dirname, '__fixtures__', 'neovim.lua')}`], {
        cwd: root, encoding: 'utf8', timeout: 90_000,
        env: { ...process.env, SPELL_ROOT: root, SPELL_BIN: BIN, SPELL_FILE: file, SPELL_OUT: out },
      });
      expect(run.error).toBeUndefined();
      const result = JSON.parse(readFileSync(out, 'utf8'));
      expect(result.errors).toEqual([]);
      expect(result.published.diagnostics).toEqual([expect.objectContaining({ code: 'seal/draft', severity: 2, message: MESSAGES.draft(), source: 'spell' })]);
      expect(result.shown).toBe(1);
      expect(result.hover.contents.value).toContain('Make widgets for the other spells.');
      expect(result.definition).toEqual([{ uri: pathToFileURL(join(root, 'src/alpha/index.ts')).href, range: { start: { line: 1, character: 13 }, end: { line: 1, character: 13 } } }]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
