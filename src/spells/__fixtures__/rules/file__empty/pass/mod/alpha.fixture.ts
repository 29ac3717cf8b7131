import { describe, it } from 'vitest';
describe('alpha', () => {
  it('parses text', () => {});
  it('rejects bad input', () => {});
});
