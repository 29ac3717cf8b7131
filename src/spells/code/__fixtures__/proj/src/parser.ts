import type { Codec } from './types.js';

/** Parses a thing. */
export class Parser<T = unknown> extends Object implements Iterable<T> {
  static readonly VERSION = 2;
  #secret = 1;
  private hidden(a: string): void {}
  protected alsoHidden(): void {}
  constructor(private readonly codec: Codec, options?: ParserOptions) {
    super();
    void this.#secret;
    void options;
  }
  /** Parse one buffer. */
  parse(bytes: Uint8Array): ParsedThing | undefined {
    return bytes.length > 0 ? { size: bytes.length } : undefined;
  }
  static from(text: string): Parser {
    return new Parser({ name: text, clockRate: 0 });
  }
  get size(): number { return 0; }
  set size(v: number) { void v; }
  [Symbol.iterator](): Iterator<T> { return [][Symbol.iterator](); }
  handler = (event: MessageEvent): boolean => true;
  public describe(): { text: string } { return { text: '' }; }
}
export interface ParserOptions { strict?: boolean }
export interface ParsedThing { size: number }
export function parseThing(input: Uint8Array, options?: ParserOptions): ParsedThing | undefined {
  return new Parser({ name: 'x', clockRate: 1 }).parse(input) ?? (options ? undefined : undefined);
}
