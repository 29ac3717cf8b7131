import type { Tree } from '../modb/index.js';

export function parse(text: string): Tree {
  return { kind: text };
}
