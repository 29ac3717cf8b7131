/** `spell graph`: the dependency graph as Mermaid or Graphviz DOT. Edges point from a spell to what it depends on. */
import type { SpellIndex } from './rules/graph.js';

export type GraphFormat = 'mermaid' | 'dot';

function edges(index: SpellIndex): [string, string][] {
  const out = new Set<string>();
  for (const spell of index.spells.values()) {
    for (const dep of [...spell.dependencies, ...spell.entities.flatMap((e) => e.dependencies)]) {
      const target = dep.kind === 'spell' ? (index.spells.has(dep.target) ? dep.target : undefined) : index.entities.get(dep.target)?.name;
      if (target && target !== spell.name) out.add(`${spell.name}\u0000${target}`);
    }
  }
  return [...out].sort().map((e) => e.split('\u0000') as [string, string]);
}

const mermaidId = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

export function renderGraph(index: SpellIndex, format: GraphFormat, sealed: Set<string>): string {
  const names = [...index.spells.keys()].sort();
  const list = edges(index);
  if (format === 'mermaid') {
    const lines = ['graph LR'];
    for (const name of names) lines.push(`  ${mermaidId(name)}["${name}${sealed.has(name) ? ' (sealed)' : ''}"]`);
    for (const [from, to] of list) lines.push(`  ${mermaidId(from)} --> ${mermaidId(to)}`);
    lines.push('  classDef sealed fill:#d4edda,stroke:#2e7d32;', '  classDef draft fill:#fff3cd,stroke:#b8860b;');
    const sealedIds = names.filter((n) => sealed.has(n)).map(mermaidId);
    const draftIds = names.filter((n) => !sealed.has(n)).map(mermaidId);
    if (sealedIds.length) lines.push(`  class ${sealedIds.join(',')} sealed;`);
    if (draftIds.length) lines.push(`  class ${draftIds.join(',')} draft;`);
    return lines.join('\n') + '\n';
  }
  const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
  const lines = ['digraph spellbook {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled"];'];
  for (const name of names) lines.push(`  ${q(name)} [fillcolor=${sealed.has(name) ? '"#d4edda"' : '"#fff3cd"'}];`);
  for (const [from, to] of list) lines.push(`  ${q(from)} -> ${q(to)};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}
