/**
 * A tiny suite run by `vitest-results.test.ts` to produce a real vitest JSON report, and read
 * statically by `tests.test.ts`. Named `.spec.ts` so the project's own run (which includes
 * `*.test.ts`) does not pick it up. This comment mentions it('comment fake', () => {}).
 */
import { describe, expect, it, test } from 'vitest';

// it('line comment fake', () => {});
const decoy = "it('string fake', () => {})";
const templateDecoy = `test('template fake', () => {}) ${'describe("nested fake", () => {})'}`;

describe('codec', () => {
  it('parses a header', () => {
    expect(decoy.length + templateDecoy.length).toBeGreaterThan(0);
  });

  describe(`with "quotes" and 'apostrophes'`, () => {
    test('escaped \'single\' and \u0041 unicode', () => {
      expect(/it\('regex fake'\)/.test("it('regex fake')")).toBe(true);
    });
    it.skip('is skipped on purpose', () => {
      expect(1).toBe(2);
    });
    it.todo('is still to be written');
  });

  it('fails on purpose', () => {
    expect(1 + 1).toBe(3);
  });
});

describe.skip('skipped suite', () => {
  it('inherits the skip', () => {});
});

test(`top level template title`, () => {
  expect({ a: { b: [1, 2] } }).toEqual({ a: { b: [1, 2] } });
});
