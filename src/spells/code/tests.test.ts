import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearCodeCaches } from './file-cache.js';
import { expandBraces } from './glob.js';
import { expandGlobs, readTestTitles } from './tests.js';

const fixtures = resolve(import.meta.dirname, '__fixtures__');
const edge = join(fixtures, 'test-titles/edge.spec.ts');
const sample = join(fixtures, 'vitest-project/sample.spec.ts');

describe('readTestTitles', () => {
  it('nests it()/test() titles under describe() titles and ignores decoys in comments and strings', () => {
    const titles = readTestTitles([sample]);
    expect(titles.map((t) => [t.fullTitle, t.skipped])).toEqual([
      ['codec > parses a header', false],
      [`codec > with "quotes" and 'apostrophes' > escaped 'single' and A unicode`, false],
      [`codec > with "quotes" and 'apostrophes' > is skipped on purpose`, true],
      [`codec > with "quotes" and 'apostrophes' > is still to be written`, true],
      ['codec > fails on purpose', false],
      ['skipped suite > inherits the skip', true],
      ['top level template title', false],
    ]);
  });

  it('records the file and the 1-based position of each call', () => {
    const [first] = readTestTitles([sample]);
    expect(first).toEqual({ title: 'parses a header', fullTitle: 'codec > parses a header', file: sample, line: 13, column: 3, skipped: false });
  });

  it('reads modifiers, each-templates and multi-line calls, skipping computed titles and member calls', () => {
    expect(readTestTitles([edge]).map((t) => `${t.line}:${t.skipped ? 'skip' : 'run'}:${t.fullTitle}`)).toEqual([
      '10:run:`suite ${name}` > inside a computed suite',
      '14:run:each suite %i > adds %i + %i',
      '18:run:outer > concurrent title',
      '19:run:outer > double "quoted" title',
      '22:run:outer > conditionally skipped',
      '24:skip:outer > inner > todo in inner',
      '25:run:outer > inner > title on its own line',
      '33:run:outer > after inner',
    ]);
  });

  it('skips files that do not exist', () => {
    expect(readTestTitles([join(fixtures, 'nope.spec.ts'), sample])).toHaveLength(7);
  });
});

describe('expandGlobs', () => {
  it('expands **, *, {a,b} and ! exclusions into sorted absolute paths of existing files', () => {
    const found = expandGlobs(fixtures, ['test-titles/**/*.spec.ts', 'vitest-project/*.{spec,config}.ts', '!**/edge.*']);
    expect(found).toEqual([
      join(fixtures, 'test-titles/nested/a.spec.ts'),
      join(fixtures, 'test-titles/nested/deeper/b.spec.ts'),
      join(fixtures, 'vitest-project/sample.spec.ts'),
      join(fixtures, 'vitest-project/vitest.config.ts'),
    ]);
  });

  it('matches ? as one character and ** as zero folders, never a leading dot', () => {
    expect(expandGlobs(fixtures, ['test-titles/nested/?.spec.ts'])).toEqual([join(fixtures, 'test-titles/nested/a.spec.ts')]);
    expect(expandGlobs(fixtures, ['test-titles/**/edge.spec.ts'])).toEqual([edge]);
    expect(expandGlobs(fixtures, ['test-titles/nested/*'])).toEqual([join(fixtures, 'test-titles/nested/a.spec.ts')]);
    expect(expandGlobs(fixtures, ['test-titles/nested/.hidden.spec.ts'])).toEqual([join(fixtures, 'test-titles/nested/.hidden.spec.ts')]);
  });

  it('lists every file below a trailing ** and returns nothing for a missing folder', () => {
    expect(expandGlobs(join(fixtures, 'test-titles/nested'), ['deeper/**'])).toEqual([
      join(fixtures, 'test-titles/nested/deeper/b.spec.ts'),
      join(fixtures, 'test-titles/nested/deeper/c.fixture.txt'),
    ]);
    expect(expandGlobs(fixtures, ['missing/**/*.ts', 'test-titles/nested/../edge.spec.ts'])).toEqual([edge]);
  });

  it('sees a new file once the caches are cleared', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spells-glob-'));
    try {
      writeFileSync(join(dir, 'one.test.ts'), '');
      expect(expandGlobs(dir, ['*.test.ts'])).toEqual([join(dir, 'one.test.ts')]);
      writeFileSync(join(dir, 'two.test.ts'), '');
      clearCodeCaches();
      expect(expandGlobs(dir, ['*.test.ts'])).toEqual([join(dir, 'one.test.ts'), join(dir, 'two.test.ts')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('expands nested braces', () => {
    expect(expandBraces('a/{b,c{d,e}}/*.ts')).toEqual(['a/b/*.ts', 'a/cd/*.ts', 'a/ce/*.ts']);
  });
});
