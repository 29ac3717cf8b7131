/**
 * Titles of `it()` / `test()` calls in test files, read from source text and nested under
 * their `describe()` titles, so that a spell's `-> test:` bindings can be checked without
 * running the tests.
 */

import { absolutePath } from './paths.js';
import { FileCache } from './file-cache.js';
import { IDENT, PUNCT, STRING, SUBSTITUTION, TEMPLATE, position, tableText, tokenTable } from './tokenizer.js';

export { expandGlobs } from './glob.js';

export interface TestTitle {
  title: string;
  /** `[...describeTitles, title].join(' > ')`. */
  fullTitle: string;
  file: string;
  /** Of the `it` / `test` identifier, 1-based. */
  line: number;
  column: number;
  /** Declared with `.skip` / `.todo` (or `xit`), or inside a skipped `describe`. */
  skipped: boolean;
}

const TEST_CALLS = new Set(['it', 'test', 'xit', 'xtest', 'fit']);
const SUITE_CALLS = new Set(['describe', 'suite', 'xdescribe', 'fdescribe']);
const SKIPPING = new Set(['skip', 'todo']);
/** Modifiers whose own argument list comes before the call with the title. */
const WITH_ARGUMENTS = new Set(['each', 'for', 'skipIf', 'runIf']);

const TITLE_SEPARATOR = ' > ';

function findTitles(src: string, file: string): TestTitle[] {
  const table = tokenTable(src);
  const { kind, text, value, depth, flags, match, count: n } = table;
  const out: TestTitle[] = [];
  const suites: { title: string; close: number; skipped: boolean }[] = [];
  const is = (k: number, word: string): boolean => k < n && kind[k] === PUNCT && text[k] === word;
  for (let i = 0; i < n; i++) {
    while (suites.length > 0 && i > suites[suites.length - 1].close) suites.pop();
    if (kind[i] !== IDENT) continue;
    const name = text[i];
    const suite = SUITE_CALLS.has(name);
    if (!suite && !TEST_CALLS.has(name)) continue;
    if (i > 0 && (is(i - 1, '.') || is(i - 1, '?'))) continue; // obj.test(...), not a test call
    let skipped = name.startsWith('x');
    let k = i + 1;
    while (is(k, '.') && k + 1 < n && kind[k + 1] === IDENT) {
      const modifier = text[k + 1];
      if (SKIPPING.has(modifier)) skipped = true;
      k += 2;
      if (WITH_ARGUMENTS.has(modifier)) {
        if (is(k, '(') && match[k] > k) k = match[k] + 1;
        else if (k < n && kind[k] === TEMPLATE) k++;
      }
    }
    if (!is(k, '(') || match[k] < 0) continue;
    const close = match[k];
    const arg = k + 1;
    if (arg >= n) continue;
    const literal = (kind[arg] === STRING || (kind[arg] === TEMPLATE && (flags[arg] & SUBSTITUTION) === 0)) && (is(k + 2, ',') || is(k + 2, ')'));
    const inSkipped = suites.some((s) => s.skipped);
    if (suite) {
      // A computed suite title keeps its source text so nested full titles stay readable.
      let title: string;
      if (literal) title = value[arg] ?? '';
      else {
        let end = k + 1;
        while (end < close && !(depth[end] === depth[arg] && is(end, ','))) end++;
        title = tableText(table, k + 1, end);
      }
      suites.push({ title, close, skipped: skipped || inSkipped });
      continue;
    }
    if (!literal) continue;
    const title = value[arg] ?? '';
    const { line, column } = position(table, table.start[i]);
    let fullTitle = '';
    for (const s of suites) fullTitle += s.title + TITLE_SEPARATOR;
    out.push({ title, fullTitle: fullTitle + title, file, line, column, skipped: skipped || inSkipped });
  }
  return out;
}

const cache = new FileCache<TestTitle[]>((text, file) => findTitles(text, file));

/**
 * Find it()/test() calls (with .only/.skip/.todo/.concurrent/.each/...) whose title is a
 * string literal ('..', "..", or a template without `${}`), nested under describe() titles.
 * Files that do not exist are skipped (expand patterns with `expandGlobs` first). The
 * returned objects are shared with the cache: do not modify them.
 */
export function readTestTitles(files: string[]): TestTitle[] {
  const out: TestTitle[] = [];
  for (const f of files) {
    const found = cache.get(absolutePath(f));
    if (found) for (const x of found) out.push(x);
  }
  return out;
}

/** Exposed for tests of the scanner on in-memory text. */
export function readTestTitlesFromSource(src: string, file: string): TestTitle[] {
  return findTitles(src, file);
}

