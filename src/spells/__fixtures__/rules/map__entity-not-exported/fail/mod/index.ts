export interface Tree { kind: string }
function parse(text: string): Tree {
  return { kind: text };
}
