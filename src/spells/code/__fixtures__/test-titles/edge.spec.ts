// Read statically by tests.test.ts; never run (the project runs only *.test.ts).
import { describe, it, test } from 'vitest';

const name: string = 'dynamic';
const helper = { test: (_s: string) => true, it: (_s: string) => true };
helper.test('member call, not a test');
helper.it('member call, not a test either');

describe(`suite ${name}`, () => {
  it('inside a computed suite', () => {});
});

describe.each([1, 2])('each suite %i', (n) => {
  it.each([[1, 2]])('adds %i + %i', (a, b) => void (a + b + n));
});

describe('outer', () => {
  it.concurrent('concurrent title', async () => {});
  test.only("double \"quoted\" title", () => {});
  it('computed ' + name, () => {});
  it(`computed ${name}`, () => {});
  it.skipIf(name === 'x')('conditionally skipped', () => {});
  describe('inner', () => {
    test.todo('todo in inner');
    it(
      'title on its own line',
      () => {
        const re = /describe\(/;
        return void re;
      },
    );
  });
  it('after inner', () => {});
});
