/** `spell graph`: the dependency graph as Mermaid or Graphviz DOT. Edges point from a spell to what it depends on. */
import { declaredEdges, type CodeEdge, type DependencyAnalysis } from './rules/drift.js';
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

/** Sealed spells green, drafts yellow. */
function mermaidSealClasses(names: string[], sealed: Set<string>): string[] {
  const lines = ['  classDef sealed fill:#d4edda,stroke:#2e7d32;', '  classDef draft fill:#fff3cd,stroke:#b8860b;'];
  const sealedIds = names.filter((n) => sealed.has(n)).map(mermaidId);
  const draftIds = names.filter((n) => !sealed.has(n)).map(mermaidId);
  if (sealedIds.length) lines.push(`  class ${sealedIds.join(',')} sealed;`);
  if (draftIds.length) lines.push(`  class ${draftIds.join(',')} draft;`);
  return lines;
}

export function renderGraph(index: SpellIndex, format: GraphFormat, sealed: Set<string>): string {
  const names = [...index.spells.keys()].sort();
  const list = edges(index);
  if (format === 'mermaid') {
    const lines = ['graph LR'];
    for (const name of names) lines.push(`  ${mermaidId(name)}["${name}${sealed.has(name) ? ' (sealed)' : ''}"]`);
    for (const [from, to] of list) lines.push(`  ${mermaidId(from)} --> ${mermaidId(to)}`);
    lines.push(...mermaidSealClasses(names, sealed));
    return lines.join('\n') + '\n';
  }
  const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
  const lines = ['digraph spellbook {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled"];'];
  for (const name of names) lines.push(`  ${q(name)} [fillcolor=${sealed.has(name) ? '"#d4edda"' : '"#fff3cd"'}];`);
  for (const [from, to] of list) lines.push(`  ${q(from)} -> ${q(to)};`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** How one drawn edge looks in `spell graph --code`. */
interface DrawnEdge {
  from: string;
  to: string;
  label: string;
  kind: 'ok' | 'declared' | 'no-import' | 'undeclared' | 'reversed-declared' | 'reversed-code';
}

function countLabel(edge: CodeEdge): string {
  return `${edge.imports.length} import${edge.imports.length === 1 ? '' : 's'}${edge.typeOnly ? `, ${edge.typeOnly} type-only` : ''}`;
}

/** Declared edges and import edges side by side, each drift kind drawn its own way. */
export function codeGraphEdges(index: SpellIndex, analysis: DependencyAnalysis): DrawnEdge[] {
  const out: DrawnEdge[] = [];
  const seen = new Set<string>();
  for (const e of analysis.edges) {
    seen.add(`${e.from}\u0000${e.to}`);
    if (e.status === 'ok') out.push({ from: e.from, to: e.to, kind: 'ok', label: e.declared ? `declared; ${countLabel(e.code!)}` : countLabel(e.code!) });
    else if (e.status === 'no-import') out.push({ from: e.from, to: e.to, kind: 'no-import', label: 'declared; no import' });
    else if (e.status === 'undeclared') out.push({ from: e.from, to: e.to, kind: 'undeclared', label: `UNDECLARED; ${countLabel(e.code!)}` });
    else {
      out.push({ from: e.from, to: e.to, kind: 'reversed-declared', label: 'declared; REVERSED in the code' });
      out.push({ from: e.code!.from, to: e.code!.to, kind: 'reversed-code', label: `${countLabel(e.code!)}; not declared this way` });
    }
  }
  // Declared edges the analysis could not check (a side without a mapped module).
  for (const d of declaredEdges(index)) {
    if (!seen.has(`${d.from}\u0000${d.to}`)) out.push({ from: d.from, to: d.to, kind: 'declared', label: 'declared; not checked (no module)' });
  }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

const MERMAID_ARROW: Record<DrawnEdge['kind'], string> = {
  ok: '-->', declared: '-->', 'no-import': '-.->', undeclared: '==>', 'reversed-declared': '-.->', 'reversed-code': '==>',
};
const DRIFT_COLOR = '#c62828';

/**
 * `spell graph --code`: every declared `>` edge next to the imports, drift highlighted.
 * Solid: declared and imported. Dotted grey: declared, no import either way. Thick red:
 * imported and not declared, or imported against a declared edge (which is drawn dotted red).
 */
export function renderCodeGraph(index: SpellIndex, analysis: DependencyAnalysis, format: GraphFormat, sealed: Set<string>): string {
  const names = [...index.spells.keys()].sort();
  const list = codeGraphEdges(index, analysis);
  const drift = (k: DrawnEdge['kind']) => k === 'undeclared' || k === 'reversed-declared' || k === 'reversed-code';
  if (format === 'mermaid') {
    const lines = ['graph LR', '  %% solid: declared and imported; dotted: declared, no import; red: drift (undeclared or reversed)'];
    for (const name of names) lines.push(`  ${mermaidId(name)}["${name}${sealed.has(name) ? ' (sealed)' : ''}"]`);
    list.forEach((e) => lines.push(`  ${mermaidId(e.from)} ${MERMAID_ARROW[e.kind]}|"${e.label}"| ${mermaidId(e.to)}`));
    list.forEach((e, i) => {
      if (drift(e.kind)) lines.push(`  linkStyle ${i} stroke:${DRIFT_COLOR},stroke-width:3px,color:${DRIFT_COLOR};`);
      else if (e.kind === 'no-import' || e.kind === 'declared') lines.push(`  linkStyle ${i} stroke:#888888;`);
    });
    lines.push(...mermaidSealClasses(names, sealed));
    return lines.join('\n') + '\n';
  }
  const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
  const lines = ['digraph spellbook {', '  rankdir=LR;', '  node [shape=box, style="rounded,filled"];'];
  for (const name of names) lines.push(`  ${q(name)} [fillcolor=${sealed.has(name) ? '"#d4edda"' : '"#fff3cd"'}];`);
  for (const e of list) {
    const style = drift(e.kind)
      ? `color="${DRIFT_COLOR}", fontcolor="${DRIFT_COLOR}", penwidth=2.5${e.kind === 'reversed-declared' ? ', style=dashed' : ''}`
      : e.kind === 'ok' ? 'color="#333333"' : 'color="#888888", style=dotted';
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.label)}, ${style}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
