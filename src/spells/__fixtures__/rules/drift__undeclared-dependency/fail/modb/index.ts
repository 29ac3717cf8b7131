export interface Tree { kind: string }
export function print(tree: Tree): string {
  return tree.kind;
}
