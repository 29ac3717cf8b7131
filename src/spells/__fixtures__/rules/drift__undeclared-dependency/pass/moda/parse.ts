import { print } from '../modb/index.js';

export function parse(text: string): string {
  return print({ kind: text });
}
