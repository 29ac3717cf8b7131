/**
 * `spell check` on a generated spellbook of 5,000 spells across 500 files (goal: under
 * 2 s on this 2-core machine). Measures the library call and the real CLI end to end
 * (node start-up included), median of several runs, and peak RSS.
 *
 * Two books: the spells alone (no manifest), and the same spells mapped by a manifest to
 * 5,000 generated modules and their test files, so that every mapping rule runs and the
 * drift rules read every module's imports (a value import of the module the spell's `>`
 * names and a type-only import of the module its `> @Entity` names, through a re-export).
 * `SPELLS_BENCH_FILES=5` runs a tiny version (50 spells) to prove the bench works.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator, analyzeDependencies, indexSpells, loadSpellbook } from '../src/spells/index.js';

const FILES = Number(process.env.SPELLS_BENCH_FILES ?? 500);
const PER_FILE = 10;
const RUNS = 5;
const GOAL_MS = 2000;

function generate(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < FILES; f++) {
    const spells: string[] = [];
    for (let s = 0; s < PER_FILE; s++) {
      const n = f * PER_FILE + s;
      const deps = n === 0 ? [] : [`> Spell${Math.floor(n / 2)}`, `> @Entity${Math.floor(n / 3)}A`];
      spells.push([
        `#Spell: Spell${n}`,
        `^ Intent: Deliver outcome number ${n} for the generated benchmark book,`,
        `  keeping it bounded to one thing.`,
        `@Entity${n}A`,
        `  : Input${n} -> Output${n}`,
        `  ! entity ${n} A never fails on valid input`,
        `@Entity${n}B`,
        `  : Output${n} -> Result${n}`,
        `! Guarantee: outcome ${n} is deterministic and uses Entity${Math.floor(n / 3)}A`,
        `~ Assumption: inputs arrive in order`,
        `- Exclusion: no network access for ${n}`,
        ...deps,
        `$ require: bounded memory`,
        `$ prove: outcome ${n} -> test: proves outcome ${n}`,
        ``,
        `[Test Cases]`,
        `- case ${n} one`,
        `- case ${n} two`,
        ``,
        `---`,
        ``,
      ].join('\n'));
    }
    writeFileSync(join(dir, `book-${String(f).padStart(3, '0')}.spell.md`), `# Book ${f}\n\nProse.\n\n` + spells.join('\n'));
  }
}

/** A manifest mapping every spell to its own module under src/, with the module and its tests. */
function generateCode(dir: string): void {
  const manifest = ['spells:'];
  for (let n = 0; n < FILES * PER_FILE; n++) {
    const mod = join(dir, 'src', `m${n}`);
    mkdirSync(mod, { recursive: true });
    const half = Math.floor(n / 2);
    const third = Math.floor(n / 3);
    const imports = n === 0 ? [] : [
      `import { Entity${half}A } from '../m${half}/index.js';`,
      `import type { Output${third} } from '../m${third}/index.js';`,
    ];
    writeFileSync(join(mod, 'index.ts'), `export { Entity${n}A, Entity${n}B, type Input${n}, type Output${n}, type Result${n} } from './impl.js';\n`);
    writeFileSync(join(mod, 'impl.ts'), [
      ...imports,
      `export interface Input${n} { value: number }`,
      `export interface Output${n} { value: number }`,
      `export interface Result${n} { ok: boolean }`,
      `export function Entity${n}A(input: Input${n}): Output${n} {`,
      n === 0 ? '  return { value: input.value };' : `  const before: Output${third} = Entity${half}A({ value: input.value });\n  return { value: before.value + 1 };`,
      '}',
      `export function Entity${n}B(output: Output${n}): Result${n} {`,
      '  return { ok: output.value >= 0 };',
      '}', '',
    ].join('\n'));
    writeFileSync(join(mod, 'impl.test.ts'), [
      "import { describe, it } from 'vitest';",
      `describe('m${n}', () => {`,
      `  it('proves outcome ${n}', () => {});`,
      `  it('case ${n} one', () => {});`,
      `  it('case ${n} two', () => {});`,
      '});', '',
    ].join('\n'));
    manifest.push(`  Spell${n}:`, `    module: src/m${n}`, `    tests: [src/m${n}/*.test.ts]`);
  }
  writeFileSync(join(dir, 'spellbook', 'spellbook.yaml'), manifest.join('\n') + '\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Figures { library: number; cli: number; spells: number; errors: number; drift: number }

function measureCheck(paths: string, manifest: string | false): Figures {
  const library: number[] = [];
  let spells = 0;
  let errors = 0;
  let drift = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const report = new Validator({ paths: [paths], manifest }).run();
    library.push(performance.now() - t0);
    spells = report.spells.length;
    errors = report.errorCount;
    drift = report.diagnostics.filter((d) => d.rule.startsWith('drift/')).length;
  }
  const cli: number[] = [];
  const bin = join(import.meta.dirname, '..', 'bin', 'spell.js');
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'check', paths, '--quiet', '-f', 'compact'], { encoding: 'utf8' });
    cli.push(performance.now() - t0);
    if (r.status === 2) throw new Error(`spell check failed: ${r.stderr}`);
  }
  return { library: median(library), cli: median(cli), spells, errors, drift };
}

function print(title: string, f: Figures): void {
  console.log(`${title}: ${f.spells} spells in ${FILES} files (${f.errors} errors, ${f.drift} drift findings; expected 0 and 0)`);
  console.log(`  library (Validator.run)     median ${f.library.toFixed(0)} ms over ${RUNS} runs`);
  console.log(`  CLI (node bin/spell.js)     median ${f.cli.toFixed(0)} ms over ${RUNS} runs, node start-up included`);
  console.log(`  goal < ${GOAL_MS} ms: ${f.cli < GOAL_MS ? 'met' : 'NOT met'} (${(GOAL_MS / f.cli).toFixed(1)}x headroom)`);
}

const dir = process.env.SPELLS_BENCH_KEEP ?? mkdtempSync(join(tmpdir(), 'spell-bench-'));
try {
  const book = join(dir, 'spellbook');
  generate(book);
  print('spell check, spells only (no manifest)', measureCheck(book, false));
  generateCode(dir);
  print('spell check with a manifest: modules, exports, contracts, test titles and imports (drift)', measureCheck(book, join(book, 'spellbook.yaml')));
  // The drift rules' own share: reading every module's imports and comparing the edges,
  // once the files are scanned (the export rule scans the same files through the same cache).
  const loaded = loadSpellbook([book]);
  const index = indexSpells(loaded.spells, []);
  const drift: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    analyzeDependencies(index, loaded.manifest!);
    drift.push(performance.now() - t0);
  }
  console.log(`  of which the drift rules (imports of ${index.spells.size} modules read and compared)  median ${median(drift).toFixed(0)} ms in-process`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (library runs)`);
} finally {
  if (!process.env.SPELLS_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
}
