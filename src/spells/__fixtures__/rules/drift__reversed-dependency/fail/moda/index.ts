export interface Tree { kind: string }
export function parse(text: string): Tree {
  return { kind: text };
}
