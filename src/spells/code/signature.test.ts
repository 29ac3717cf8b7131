import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModuleExports } from './exports.js';
import { contractFits, requiredTypeNames } from './signature.js';
import type { ExportedSymbol } from './types.js';

const symbols = readModuleExports(resolve(import.meta.dirname, '__fixtures__/proj/src')).symbols;
const sym = (name: string): ExportedSymbol => {
  const s = symbols.get(name);
  if (!s) throw new Error(`fixture does not export ${name}`);
  return s;
};

describe('requiredTypeNames', () => {
  it('keeps capitalized names and primitive type names, drops other words', () => {
    expect(requiredTypeNames('string, Options -> bytes of Uint8Array | undefined')).toEqual(['string', 'Options', 'Uint8Array', 'undefined']);
    expect(requiredTypeNames('void')).toEqual([]);
    expect(requiredTypeNames('nothing')).toEqual([]);
    expect(requiredTypeNames('()')).toEqual([]);
  });
});

describe('contractFits', () => {
  it('fits a function whose parameter and return types name the contract types', () => {
    expect(contractFits({ input: 'Uint8Array, ParserOptions', output: 'ParsedThing | undefined' }, sym('parseThing'))).toEqual({
      fits: true,
      expected: 'Uint8Array, ParserOptions -> ParsedThing | undefined',
      actual: 'parseThing(input: Uint8Array, options?: ParserOptions) -> ParsedThing | undefined',
    });
  });

  it('reports drift with the closest signature when a type is missing', () => {
    expect(contractFits({ input: 'string', output: 'ParsedThing' }, sym('parseThing'))).toEqual({
      fits: false,
      expected: 'string -> ParsedThing',
      actual: 'parseThing(input: Uint8Array, options?: ParserOptions) -> ParsedThing | undefined',
    });
  });

  it('accepts any overload', () => {
    expect(contractFits({ input: 'Uint8Array', output: 'bigint' }, sym('overloaded')).fits).toBe(true);
    expect(contractFits({ input: 'string', output: 'number' }, sym('overloaded')).fits).toBe(true);
    const drift = contractFits({ input: 'string', output: 'bigint' }, sym('overloaded'));
    expect(drift.fits).toBe(false);
  });

  it('matches type names inside generics and object types', () => {
    expect(contractFits({ input: 'Uint8Array', output: 'Promise<number>' }, sym('arrow')).fits).toBe(true);
    expect(contractFits({ input: 'T', output: 'Promise' }, sym('generic')).fits).toBe(true);
  });

  it('fits a class through a method, a static factory, or its constructor returning the class', () => {
    const parser = sym('Parser');
    expect(contractFits({ input: 'Uint8Array', output: 'ParsedThing | undefined' }, parser)).toMatchObject({ fits: true, actual: 'Parser.parse(bytes: Uint8Array) -> ParsedThing | undefined' });
    expect(contractFits({ input: 'string', output: 'Parser' }, parser)).toMatchObject({ fits: true, actual: 'Parser.from(text: string) -> Parser' });
    expect(contractFits({ input: 'Codec, ParserOptions', output: 'Parser' }, parser)).toMatchObject({ fits: true, actual: 'new Parser(private readonly codec: Codec, options?: ParserOptions) -> Parser' });
    expect(contractFits({ input: 'SessionOptions', output: 'RenamedSession' }, sym('RenamedSession')).fits).toBe(true);
    expect(contractFits({ input: 'RtpPacket', output: 'Parser' }, parser).fits).toBe(false);
  });

  it('tolerates void, nothing and () as an empty side', () => {
    expect(contractFits({ input: '()', output: 'string' }, sym('RenamedSession')).fits).toBe(true);
    expect(contractFits({ input: 'number', output: 'nothing' }, sym('declared')).fits).toBe(true);
    expect(contractFits({ input: 'number', output: 'void' }, sym('declared')).fits).toBe(true);
    expect(contractFits({ input: 'number', output: 'Shape' }, sym('declared')).fits).toBe(false);
  });

  it('does not fit a symbol without a readable signature, and says why', () => {
    expect(contractFits({ input: 'string', output: 'Shape' }, sym('Shape'))).toEqual({ fits: false, expected: 'string -> Shape', actual: 'interface Shape has no readable signature' });
    expect(contractFits({ input: 'x', output: 'Thing' }, sym('untyped'))).toMatchObject({ fits: false, actual: 'untyped(x = 1) -> (return type not annotated)' });
  });
});
