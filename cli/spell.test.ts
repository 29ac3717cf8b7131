/**
 * End-to-end: the real `spell` executable (bin/spell.js over the built dist/) run as a
 * child process, checking output and exit codes the way CI and editors see them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'spell.js');
const RULES = join(ROOT, 'src', 'spells', '__fixtures__', 'rules');

function spell(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A private copy of a fixture project, so commands that write do not touch the repo. */
function copyOf(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'spell-cli-'));
  cpSync(join(RULES, fixture), dir, { recursive: true });
  return dir;
}

// dist/ is built once for the whole run by vitest.global-setup.ts.

describe('spell check', () => {
  it('stops quietly when its reader goes away (spell check | head): no EPIPE stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spell-epipe-'));
    const spells = Array.from({ length: 3000 }, (_, i) => `#Spell: Draft${i}\n^ Intent: draft number ${i} of a long book.\n- Exclusion: nothing else\n`);
    writeFileSync(join(dir, 'book.spell.md'), spells.join('\n---\n\n'));
    const child = spawn(process.execPath, [BIN, 'check', dir], { env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let first = 0;
    child.stdout.on('data', (d: Buffer) => {
      first += d.length;
      child.stdout.destroy(); // like `head` exiting after its first lines
    });
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(first).toBeGreaterThan(0);
    expect(stderr).not.toMatch(/EPIPE|at [\w.]+ \(/);
    expect([0, 1, 141]).toContain(code);
  });

  it('exits 0 and says so on a clean sealed spellbook', () => {
    const r = spell(['check', join(RULES, 'seal__stale', 'pass')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ 1 spell in 1 file: no problems/);
  });

  it('exits 1 with path:line:col and rule id on errors', () => {
    const r = spell(['check', join(RULES, 'graph__cycle', 'fail')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/graph__cycle\/fail\/beta\.spell:5:1 +error +dependency cycle: .* graph\/cycle/);
    expect(r.stdout).toMatch(/✖ \d+ errors?, \d+ warnings?/);
  });

  it('treats draft findings as warnings (exit 0) unless --strict or --max-warnings says otherwise', () => {
    const dir = join(RULES, 'seal__no-exclusion', 'fail');
    expect(spell(['check', dir]).code).toBe(0);
    expect(spell(['check', dir, '--strict']).code).toBe(1);
    expect(spell(['check', dir, '--max-warnings', '0']).code).toBe(1);
    expect(spell(['check', dir, '--max-warnings', '10']).code).toBe(0);
  });

  it('prints only errors with --quiet', () => {
    const r = spell(['check', join(RULES, 'graph__cycle', 'fail'), '--quiet']);
    expect(r.stdout).not.toMatch(/ warning /);
    expect(r.stdout).toMatch(/ error /);
  });

  it('writes every format, and a report file with --output', () => {
    const dir = join(RULES, 'graph__cycle', 'fail');
    expect(JSON.parse(spell(['check', dir, '-f', 'json']).stdout).summary.errors).toBeGreaterThan(0);
    expect(JSON.parse(spell(['check', dir, '-f', 'sarif']).stdout).version).toBe('2.1.0');
    expect(spell(['check', dir, '-f', 'junit']).stdout).toMatch(/^<\?xml/);
    expect(spell(['check', dir, '-f', 'compact']).stdout).toMatch(/: line 5, col 1, Error - dependency cycle/);
    const out = join(mkdtempSync(join(tmpdir(), 'spell-out-')), 'r', 'spell.sarif');
    const r = spell(['check', dir, '-f', 'sarif', '-o', out]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8')).runs[0].results.length).toBeGreaterThan(0);
  });

  it('colors output only when allowed: NO_COLOR wins, FORCE_COLOR forces', () => {
    const dir = join(RULES, 'graph__cycle', 'fail');
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(spell(['check', dir]).stdout).not.toMatch(ansi);
    expect(spell(['check', dir], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).toMatch(ansi);
  });

  it('checks bound tests against a vitest JSON report with --results', () => {
    const r = spell(['check', join(RULES, 'map__test-failed', 'fail'), '--results', join(RULES, 'map__test-failed', 'fail', 'results.json')]);
    expect(r.stdout).toMatch(/test 'parses text' failed in the results/);
  });

  it('exits 2 on usage and I/O errors with a one-line message, never a stack trace', () => {
    const unknown = spell(['check', '--no-such-flag']);
    expect(unknown.code).toBe(2);
    const missing = spell(['check', 'no/such/folder']);
    expect(missing).toMatchObject({ code: 2, stderr: 'spell: no such file or folder: no/such/folder\n' });
    const badResults = spell(['check', join(RULES, 'seal__stale', 'pass'), '--results', join(RULES, 'seal__stale', 'pass', 'alpha.spell')]);
    expect(badResults.code).toBe(2);
    expect(badResults.stderr).not.toMatch(/\n\s+at /);
    expect(spell(['check', '-f', 'xml']).code).toBe(2);
  });
});

describe('the other commands', () => {
  it('seals a spell, then reports it stale after an edit', () => {
    const dir = copyOf('seal__draft/fail');
    const sealed = spell(['seal', 'Alpha', '--paths', dir]);
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'spellbook.yaml'), 'utf8')).toMatch(/seal: sha256:[0-9a-f]{64}/);
    expect(spell(['check', dir, '--strict']).code).toBe(0);
    writeFileSync(join(dir, 'alpha.spell'), readFileSync(join(dir, 'alpha.spell'), 'utf8').replace('no network access', 'no disk access'));
    const stale = spell(['check', dir]);
    expect(stale.code).toBe(1);
    expect(stale.stdout).toMatch(/seal\/stale/);
  });

  it('refuses to seal a spell that breaks a seal rule', () => {
    const dir = copyOf('seal__open-question/fail');
    const r = spell(['seal', 'Alpha', '--paths', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot seal Alpha:[\s\S]*open question blocks sealing/);
    expect(readFileSync(join(dir, 'spellbook.yaml'), 'utf8')).not.toMatch(/seal:/);
  });

  it('formats files and reports unformatted ones with fmt --check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spell-fmt-'));
    writeFileSync(join(dir, 'a.spell'), '#A\n^intent:  x\n!ok   \n-  none\n');
    expect(spell(['fmt', '--check', dir]).code).toBe(1);
    expect(spell(['fmt', dir]).code).toBe(0);
    expect(readFileSync(join(dir, 'a.spell'), 'utf8')).toBe('#Spell: A\n^ Intent: x\n! ok\n- none\n');
    expect(spell(['fmt', '--check', dir]).code).toBe(0);
  });

  it('creates a new spell that parses, mapped in the manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spell-new-'));
    const r = spell(['new', 'Widget', '--dir', join(dir, 'spellbook'), '--module', 'src/widget']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'spellbook', 'Widget.spell'))).toBe(true);
    expect(readFileSync(join(dir, 'spellbook', 'spellbook.yaml'), 'utf8')).toMatch(/Widget:\n\s+module: src\/widget/);
    const check = spell(['check', join(dir, 'spellbook'), '-f', 'json']);
    const rules = (JSON.parse(check.stdout) as { diagnostics: { rule: string }[] }).diagnostics.map((d) => d.rule);
    expect(rules).toContain('map/module-missing');
    expect(rules.filter((x) => x.startsWith('syntax/'))).toEqual([]);
    expect(spell(['new', 'Widget', '--dir', join(dir, 'spellbook')]).code).toBe(2);
  });

  it('prints BOUND or NOT BOUND from bind, with exit 0 or 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spell-bind-'));
    writeFileSync(join(dir, 's.spell'), '#S\n^ Do one thing.\n! it works\n- nothing else\n');
    writeFileSync(join(dir, 'ok.md'), 'Task:\n^ Do one thing.\n! it works\n- nothing else\n');
    writeFileSync(join(dir, 'bad.md'), 'Task:\n^ Do one thing.\n');
    expect(spell(['bind', join(dir, 's.spell'), join(dir, 'ok.md')])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^BOUND: S/) });
    const bad = spell(['bind', join(dir, 's.spell'), join(dir, 'bad.md')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^NOT BOUND: S[\s\S]*missing .*s\.spell:3: ! it works/);
  });

  it('lists, shows and graphs spells', () => {
    const dir = join(RULES, 'graph__cycle', 'pass');
    expect(spell(['list', dir]).stdout).toMatch(/Alpha +draft +.*alpha\.spell:1 +-> mod/);
    expect(spell(['show', 'Beta', dir]).stdout).toMatch(/beta\.spell:1-5\n[\s\S]*\^ Intent: Print a tree back to text\./);
    expect(spell(['show', 'Nope', dir]).code).toBe(2);
    expect(spell(['graph', dir]).stdout).toMatch(/graph LR[\s\S]*Beta --> Alpha/);
    expect(spell(['graph', dir, '--format', 'dot']).stdout).toMatch(/digraph spellbook \{[\s\S]*"Beta" -> "Alpha";/);
  });

  it('prints help and version with exit 0', () => {
    expect(spell(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/check \[options\] \[paths\.\.\.\]/) });
    expect(spell(['--version']).stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
