import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTestTitles } from './tests.js';
import { VitestResultsError, parseVitestResults, readVitestResults } from './vitest-results.js';

const project = resolve(import.meta.dirname, '__fixtures__/vitest-project');
const sample = join(project, 'sample.spec.ts');
const vitestBin = resolve(import.meta.dirname, '../../../node_modules/vitest/vitest.mjs');

describe('readVitestResults on a report from a real vitest run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spells-vitest-'));
  const report = join(dir, 'report.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(() => {
    try {
      // The fixture suite fails one test on purpose, so vitest exits non-zero.
      execFileSync(process.execPath, [vitestBin, 'run', '--root', project, '--config', join(project, 'vitest.config.ts'), '--reporter=json', `--outputFile=${report}`], {
        stdio: 'pipe',
        env: { ...process.env, CI: '1', FORCE_COLOR: '0' },
      });
    } catch (error) {
      if ((error as { status?: number }).status !== 1) throw error;
    }
  });

  it('reads every assertion with its file, nested title and status', () => {
    expect(readVitestResults(report)).toEqual([
      { fullTitle: 'codec > parses a header', title: 'parses a header', file: sample, status: 'passed' },
      { fullTitle: `codec > with "quotes" and 'apostrophes' > escaped 'single' and A unicode`, title: "escaped 'single' and A unicode", file: sample, status: 'passed' },
      { fullTitle: `codec > with "quotes" and 'apostrophes' > is skipped on purpose`, title: 'is skipped on purpose', file: sample, status: 'skipped' },
      { fullTitle: `codec > with "quotes" and 'apostrophes' > is still to be written`, title: 'is still to be written', file: sample, status: 'todo' },
      { fullTitle: 'codec > fails on purpose', title: 'fails on purpose', file: sample, status: 'failed' },
      { fullTitle: 'skipped suite > inherits the skip', title: 'inherits the skip', file: sample, status: 'skipped' },
      { fullTitle: 'top level template title', title: 'top level template title', file: sample, status: 'passed' },
    ]);
  });

  it('agrees with the titles read statically from the same test file', () => {
    const ran = readVitestResults(report).map((r) => [r.file, r.fullTitle, r.status === 'skipped' || r.status === 'todo']);
    const read = readTestTitles([sample]).map((t) => [t.file, t.fullTitle, t.skipped]);
    expect(read).toEqual(ran);
  });

  it('rejects a JSON file that is not a vitest report, naming what is wrong', () => {
    const data = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { assertionResults: { status: string }[] }[] };
    data.testResults[0].assertionResults[2].status = 'exploded';
    const bad = join(dir, 'bad-status.json');
    writeFileSync(bad, JSON.stringify(data));
    expect(() => readVitestResults(bad)).toThrow(new VitestResultsError(`${bad} is not a vitest JSON report: testResults[0].assertionResults[2].status "exploded" is not a test status`, bad));
  });
});

describe('parseVitestResults errors', () => {
  const reject = (text: string): VitestResultsError => {
    try {
      parseVitestResults(text, 'r.json');
    } catch (error) {
      if (error instanceof VitestResultsError) return error;
      throw error;
    }
    throw new Error('accepted');
  };

  it('locates a JSON syntax error by line and column', () => {
    const e = reject('{\n  "testResults": [,]\n}');
    expect(e.message).toMatch(/^r\.json is not JSON: /);
    expect([e.line, e.column]).toEqual([2, 19]);
    expect(reject('{"testResults": [').line).toBe(1);
  });

  it('names the missing or mistyped part of the report', () => {
    expect(reject('[]').message).toBe('r.json is not a vitest JSON report: the top level is not an object');
    expect(reject('{"numTotalTests": 0}').message).toBe("r.json is not a vitest JSON report: it has no 'testResults' array");
    expect(reject('{"testResults": [{"assertionResults": []}]}').message).toBe('r.json is not a vitest JSON report: testResults[0].name is not a string');
    expect(reject('{"testResults": [{"name": "f", "assertionResults": [{"title": 1}]}]}').message).toMatch(/assertionResults\[0\]\.title is not a string$/);
    expect(reject('{"testResults": [{"name": "f", "assertionResults": [{"title": "t", "status": "passed", "ancestorTitles": [2]}]}]}').message).toMatch(/ancestorTitles is not a list of strings$/);
  });

  it('throws its own error for a file that cannot be read', () => {
    expect(() => readVitestResults('/nonexistent/report.json')).toThrow(VitestResultsError);
  });
});
