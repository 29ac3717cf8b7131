/**
 * `spell check` on a generated spellbook of 5,000 spells across 500 files (goal: under
 * 2 s on this 2-core machine). Measures the library call and the real CLI end to end
 * (node start-up included), median of several runs, and peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '../src/spells/index.js';

const FILES = 500;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'spell-bench-'));
try {
  generate(dir);
  const library: number[] = [];
  let spells = 0;
  let findings = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const report = new Validator({ paths: [dir], manifest: false }).run();
    library.push(performance.now() - t0);
    spells = report.spells.length;
    findings = report.errorCount;
  }
  const cli: number[] = [];
  const bin = join(import.meta.dirname, '..', 'bin', 'spell.js');
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'check', dir, '--quiet', '-f', 'compact'], { encoding: 'utf8' });
    cli.push(performance.now() - t0);
    if (r.status === 2) throw new Error(`spell check failed: ${r.stderr}`);
  }
  console.log(`spell check: ${spells} spells in ${FILES} files (${findings} errors found, expected 0)`);
  console.log(`  library (Validator.run)     median ${median(library).toFixed(0)} ms over ${RUNS} runs`);
  console.log(`  CLI (node bin/spell.js)     median ${median(cli).toFixed(0)} ms over ${RUNS} runs, node start-up included`);
  console.log(`  goal < ${GOAL_MS} ms: ${median(cli) < GOAL_MS ? 'met' : 'NOT met'} (${(GOAL_MS / median(cli)).toFixed(1)}x headroom)`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (library runs)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
