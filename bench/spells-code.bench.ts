/**
 * Benchmark of the source readers (`npx tsx src/spells/code/scan.bench.ts`; meant to move to
 * `bench/spells-code.bench.ts`). Input: the fixture project's sources and test files repeated
 * to 1,000 and 2,000 lines, scanned without caches.
 */

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { measure, printFigure } from './lib.js';
import { scanModule } from '../src/spells/code/module-scan.js';
import { readTestTitlesFromSource } from '../src/spells/code/tests.js';
import { tokenize } from '../src/spells/code/tokenizer.js';
import { clearCodeCaches, readModuleImports } from '../src/spells/code/index.js';

const fixtures = resolve(import.meta.dirname, '../src/spells/code/__fixtures__');
const read = (p: string): string => readFileSync(resolve(fixtures, p), 'utf8');

function lines(sources: string[], count: number): string {
  const all = sources.join('\n').split('\n');
  const out: string[] = [];
  while (out.length < count) out.push(...all);
  return out.slice(0, count).join('\n');
}

const sources = ['proj/src/index.ts', 'proj/src/parser.ts', 'proj/src/session.ts'].map(read);
const tests = ['vitest-project/sample.spec.ts', 'test-titles/edge.spec.ts'].map(read);

for (const count of [1000, 2000]) {
  const src = lines(sources, count);
  const spec = lines(tests, count);
  const perFile = (name: string, fn: () => void) => {
    const m = measure(`${name} (${count} lines)`, fn, 1000);
    printFigure(`${name}: ${(1000 / m.opsPerSecond).toFixed(3)} ms per ${count}-line file`, m, 'files/s');
  };
  perFile('tokenize', () => tokenize(src));
  perFile('scanModule', () => scanModule(src));
  perFile('readTestTitles', () => readTestTitlesFromSource(spec, 'bench.spec.ts'));
}

// The import reader behind the drift rules: the fixture project's module walked from its
// index (re-exports, its own files, a cycle), caches cleared each time so every file is read
// and scanned again, as in a cold `spell check`.
{
  const m = measure('readModuleImports (cold)', () => {
    clearCodeCaches();
    readModuleImports(resolve(fixtures, 'proj/src'));
  }, 1000);
  const files = readModuleImports(resolve(fixtures, 'proj/src')).files.length;
  printFigure(`readModuleImports: ${(1000 / m.opsPerSecond).toFixed(3)} ms per cold walk of a ${files}-file module`, m, 'walks/s');
}
