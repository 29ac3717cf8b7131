/**
 * `spell book`: write the spellbook as one Markdown book (docs/WEBRTC_SPELLBOOK.md), or with
 * `--check` exit 1 when the committed book is not what would be written now. Parses
 * arguments and prints; the book itself is `renderBook` in src/spells/book.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  BOOK, DEFAULT_SPELLBOOK_DIR, Validator, analyzeDependencies, bookIsCurrent, collectSpellFiles, findManifest, indexSpells, loadSpellbook, renderBook, withoutResults,
} from '../src/spells/index.js';
import { readVitestResults, type TestResult } from '../src/spells/code/index.js';

export class BookUsageError extends Error {}

export interface BookIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

interface BookOptions {
  out: string;
  check?: boolean;
  /** A path, or false for `--no-results`; undefined: reports/vitest.json when it exists. */
  results?: string | false;
}

/** The first line where two books differ (results regions emptied), for the stale message. */
function firstDifference(a: string, b: string): number {
  const x = withoutResults(a).split('\n');
  const y = withoutResults(b).split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1;
  return 0;
}

export function registerBook(program: Command, io: BookIo): void {
  program
    .command('book')
    .description('write the spellbook as one Markdown book (spells, contracts, dependency graph, tests, integration points, sealing checklist)')
    .argument('[paths...]', 'spell files or folders', [])
    .option('--out <file>', 'where to write the book', BOOK.defaultOut)
    .option('--check', 'write nothing; exit 1 if the book at --out is stale (test results are not compared)')
    .option('--results <file>', `vitest JSON report whose results to embed (default: ${BOOK.defaultResults} when it exists)`)
    .option('--no-results', 'embed no test results')
    .action((paths: string[], opts: BookOptions) => {
      const list = paths.length ? paths : [DEFAULT_SPELLBOOK_DIR];
      for (const p of list) if (!existsSync(p)) throw new BookUsageError(`no such file or folder: ${p}`);
      // The book is itself a spell file: never read it as one of its own sources.
      const out = resolve(opts.out);
      const files = collectSpellFiles(list).files.filter((f) => resolve(f) !== out);
      const sources = files.length ? files : list;
      const book = loadSpellbook(sources, list.length ? findManifest(list) : undefined);
      if (!book.manifest) throw new BookUsageError(`no spellbook.yaml manifest found near ${list.join(', ')}; the book needs it to find the code`);
      const manifest = book.manifest;
      const index = indexSpells(book.spells, []);
      const analysis = analyzeDependencies(index, manifest);
      const report = new Validator({ paths: sources }).run(book);

      let results: { label: string; tests: TestResult[] } | undefined;
      const resultsPath = opts.results === false ? undefined : (opts.results ?? (existsSync(join(manifest.root, BOOK.defaultResults)) ? join(manifest.root, BOOK.defaultResults) : undefined));
      if (opts.results && !existsSync(opts.results)) throw new BookUsageError(`no such results file: ${opts.results}`);
      if (resultsPath) {
        try {
          results = { label: relative(manifest.root, resultsPath).split('\\').join('/'), tests: readVitestResults(resultsPath) };
        } catch (error) {
          throw new BookUsageError(error instanceof Error ? error.message : String(error));
        }
      }
      const text = renderBook({ index, manifest, analysis, diagnostics: report.diagnostics, results });
      if (opts.check) {
        if (!existsSync(opts.out)) {
          io.err(`spell book: ${opts.out} does not exist; run '${BOOK.regenerate}'\n`);
          io.setExitCode(1);
          return;
        }
        const committed = readFileSync(opts.out, 'utf8');
        if (bookIsCurrent(committed, text)) {
          io.out(`${opts.out} is current (${index.spells.size} spells)\n`);
          return;
        }
        io.err(`spell book: ${opts.out} is stale (first difference at line ${firstDifference(committed, text)}); run '${BOOK.regenerate}'\n`);
        io.setExitCode(1);
        return;
      }
      mkdirSync(dirname(opts.out), { recursive: true });
      writeFileSync(opts.out, text);
      io.out(`wrote ${opts.out}: ${index.spells.size} spells${results ? `, test results from ${results.label}` : ', no test results'}\n`);
    });
}
