/**
 * Reads a vitest JSON report (`vitest run --reporter=json --outputFile=x.json`), whose shape
 * is `{ testResults: [{ name: file, assertionResults: [{ ancestorTitles, title, fullName,
 * status }] }] }`, into one flat list of results with the same `fullTitle` convention as
 * `readTestTitles` (`[...ancestorTitles, title].join(' > ')`).
 */

import { readFileSync } from 'node:fs';
import { messages } from './messages.js';

export interface TestResult {
  fullTitle: string;
  title: string;
  file: string;
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
}

/** The report is not a vitest JSON report; `line`/`column` locate JSON syntax errors. */
export class VitestResultsError extends Error {
  override readonly name = 'VitestResultsError';
  constructor(
    message: string,
    readonly path: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

const STATUSES: Record<string, TestResult['status']> = {
  passed: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  pending: 'pending',
  todo: 'todo',
  // The jest-compatible spelling of a test that was not run.
  disabled: 'skipped',
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Offset of the first JSON syntax error in `text` (only called after `JSON.parse` failed,
 * since V8's messages do not always carry a position).
 */
export function jsonErrorOffset(text: string): number {
  let p = 0;
  const n = text.length;
  const ws = (): void => {
    while (p < n && (text[p] === ' ' || text[p] === '\n' || text[p] === '\r' || text[p] === '\t')) p++;
  };
  const fail = (): never => {
    throw new Error('stop');
  };
  const value = (): void => {
    ws();
    const c = text[p];
    if (c === '{') {
      p++;
      ws();
      if (text[p] === '}') { p++; return; }
      for (;;) {
        ws();
        if (text[p] !== '"') fail();
        string();
        ws();
        if (text[p] !== ':') fail();
        p++;
        value();
        ws();
        if (text[p] === ',') { p++; continue; }
        if (text[p] === '}') { p++; return; }
        fail();
      }
    } else if (c === '[') {
      p++;
      ws();
      if (text[p] === ']') { p++; return; }
      for (;;) {
        value();
        ws();
        if (text[p] === ',') { p++; continue; }
        if (text[p] === ']') { p++; return; }
        fail();
      }
    } else if (c === '"') string();
    else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(p, p + 400));
      if (!m) fail();
      else p += m[0].length;
    }
  };
  const string = (): void => {
    p++;
    while (p < n) {
      const c = text.charCodeAt(p);
      if (c === 34) { p++; return; }
      if (c < 32) fail();
      if (c === 92) {
        const e = text[p + 1];
        if (e === 'u' ? !/^[0-9a-fA-F]{4}$/.test(text.slice(p + 2, p + 6)) : !'"\\/bfnrt'.includes(e ?? 'x')) fail();
        p += e === 'u' ? 6 : 2;
      } else p++;
    }
    fail();
  };
  try {
    value();
    ws();
    return p;
  } catch {
    return p; // Stop, or a RangeError from absurd nesting: either way, here
  }
}

/** Parse report text (exposed for tests and fuzzing); `path` is only used in messages. */
export function parseVitestResults(text: string, path: string): TestResult[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const where = lineColumn(text, jsonErrorOffset(text));
    throw new VitestResultsError(messages.notJson(path, `${detail} (line ${where.line}, column ${where.column})`), path, where.line, where.column);
  }
  const fail = (detail: string): never => {
    throw new VitestResultsError(messages.notVitestReport(path, detail), path);
  };
  if (!isRecord(data)) return fail('the top level is not an object');
  const files = data.testResults;
  if (!Array.isArray(files)) return fail("it has no 'testResults' array");
  const out: TestResult[] = [];
  files.forEach((entry, i) => {
    if (!isRecord(entry)) return fail(`testResults[${i}] is not an object`);
    if (typeof entry.name !== 'string') return fail(`testResults[${i}].name is not a string`);
    const file = entry.name;
    const assertions = entry.assertionResults;
    if (!Array.isArray(assertions)) return fail(`testResults[${i}].assertionResults is not an array`);
    assertions.forEach((a, j) => {
      const where = `testResults[${i}].assertionResults[${j}]`;
      if (!isRecord(a)) return fail(`${where} is not an object`);
      if (typeof a.title !== 'string') return fail(`${where}.title is not a string`);
      const ancestors = a.ancestorTitles ?? [];
      if (!Array.isArray(ancestors) || !ancestors.every((x) => typeof x === 'string')) return fail(`${where}.ancestorTitles is not a list of strings`);
      const status = typeof a.status === 'string' ? STATUSES[a.status] : undefined;
      if (!status) return fail(`${where}.status ${JSON.stringify(a.status)} is not a test status`);
      out.push({ fullTitle: [...(ancestors as string[]), a.title].join(' > '), title: a.title, file, status });
    });
  });
  return out;
}

/**
 * Read a vitest JSON report. Throws a `VitestResultsError` with a clear message when the
 * file cannot be read or is not such a report.
 */
export function readVitestResults(path: string): TestResult[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new VitestResultsError(messages.unreadable(path, error instanceof Error ? error.message : String(error)), path);
  }
  return parseVitestResults(text, path);
}
