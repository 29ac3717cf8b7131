import { parse, type Tree } from '../moda/index.js';

export function print(tree: Tree): string {
  return parse(tree.kind).kind;
}
