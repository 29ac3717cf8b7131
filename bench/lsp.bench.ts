/**
 * The spell language server's speed, through the protocol as an editor sees it (the real
 * `spell lsp --stdio` over the built dist/):
 * - edit latency: a 1,000-line Markdown book open in the editor, one keystroke at a time
 *   (incremental didChange), time from sending the change to receiving its diagnostics
 *   (goal: under 50 ms);
 * - indexing: a workspace of 5,000 spells in 500 books, time from `initialized` to the
 *   diagnostics of the last book (goal: under 2 s), side by side with `spell check` on the
 *   same files (node start-up included).
 * `LSP_BENCH_FILES=5` runs a tiny version (50 spells) to prove the bench works.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, LspClient } from '../src/lsp/__fixtures__/client.js';

const FILES = Number(process.env.LSP_BENCH_FILES ?? 500);
const PER_FILE = 10;
const EDITS = Number(process.env.LSP_BENCH_EDITS ?? 60);
const BOOK_LINES = 1000;

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p95 = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]; };

function spell(n: number): string[] {
  const deps = n === 0 ? [] : [`> Spell${Math.floor(n / 2)}`, `> @Entity${Math.floor(n / 3)}A`];
  return [
    `#Spell: Spell${n}`,
    `^ Intent: Deliver outcome number ${n} for the generated benchmark book,`,
    `  keeping it bounded to one thing.`,
    `@Entity${n}A`,
    `  : Input${n} -> Output${n}`,
    `  ! entity ${n} A never fails on valid input`,
    `! Guarantee: outcome ${n} is deterministic and uses Entity${Math.floor(n / 3)}A`,
    `~ Assumption: inputs arrive in order`,
    `- Exclusion: no network access for ${n}`,
    ...deps,
    `$ prove: outcome ${n} -> test: proves outcome ${n}`,
    ``,
    `[Test Cases]`,
    `- case ${n} one`,
    ``,
    `---`,
    ``,
  ];
}

function workspace(files: number): string {
  const root = mkdtempSync(join(tmpdir(), 'spell-lsp-bench-'));
  mkdirSync(join(root, 'spellbook'));
  for (let f = 0; f < files; f++) {
    const lines = [`# Book ${f}`, '', 'Prose.', ''];
    for (let s = 0; s < PER_FILE; s++) lines.push(...spell(f * PER_FILE + s));
    writeFileSync(join(root, 'spellbook', `book-${String(f).padStart(3, '0')}.spell.md`), lines.join('\n'));
  }
  return root;
}

async function editLatency(): Promise<void> {
  const root = workspace(1);
  const lines = ['# A long book', ''];
  for (let n = 0; lines.length < BOOK_LINES; n++) lines.push(...spell(10_000 + n));
  const book = lines.slice(0, BOOK_LINES).join('\n');
  const client = await LspClient.start(root);
  try {
    const path = 'spellbook/long.md';
    await client.open(path, book, 'markdown');
    await client.waitForDiagnostics(path, (d) => d.length > 0);
    const times: number[] = [];
    const uri = client.uri(path);
    for (let i = 0; i < EDITS; i++) {
      const line = 2 + ((i * 37) % (BOOK_LINES - 4));
      const started = performance.now();
      const arrived = new Promise<number>((resolve) => {
        const version = (client.versions.get(path) ?? 1) + 1;
        const listener = (p: { uri: string; version?: number }) => {
          if (p.uri === uri && p.version === version) { client.listeners.delete(listener); resolve(performance.now()); }
        };
        client.listeners.add(listener);
      });
      await client.change(path, { start: { line, character: 0 }, end: { line, character: 0 } }, i % 2 ? ' ' : '');
      times.push((await arrived) - started);
      await new Promise((r) => setTimeout(r, 20)); // typing, not a flood
    }
    console.log(`edit latency, ${BOOK_LINES}-line book, ${EDITS} keystrokes (didChange -> publishDiagnostics): median ${median(times).toFixed(1)} ms, p95 ${p95(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (goal < 50 ms)`);
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

async function indexing(): Promise<void> {
  const root = workspace(FILES);
  const spells = FILES * PER_FILE;
  try {
    let initializedAt = 0;
    let lastAt = 0;
    const seen = new Set<string>();
    let done!: () => void;
    const all = new Promise<void>((resolve) => { done = resolve; });
    const client = await LspClient.start(root, {}, { beforeInitialized: () => { initializedAt = performance.now(); } });
    client.listeners.add((p) => { seen.add(p.uri); lastAt = performance.now(); if (seen.size >= FILES) done(); });
    for (const p of client.published) seen.add(p.uri);
    if (seen.size >= FILES) done();
    await all;
    const lspMs = lastAt - initializedAt;
    await client.stop();
    const started = performance.now();
    const check = spawnSync(process.execPath, [BIN, 'check', 'spellbook', '-q'], { cwd: root, encoding: 'utf8' });
    const checkMs = performance.now() - started;
    console.log(`workspace of ${spells} spells in ${FILES} books: diagnostics for every book ${lspMs.toFixed(0)} ms after initialized (goal < 2,000 ms); 'spell check' on the same files ${checkMs.toFixed(0)} ms end to end (exit ${check.status})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await editLatency();
await indexing();
