/**
 * Graph rules over all checked spells: duplicate spells and entities, dependencies that
 * name nothing (with the nearest name suggested), cycles (the whole path printed), and
 * `> @Entity` references the spell never uses.
 */
import { MESSAGES, RULES } from '../constants.js';
import type { Diagnostic, Location, Spell } from '../model.js';
import { suggestName } from './suggest.js';

const where = (l: Location) => `${l.file}:${l.line}:${l.column}`;

export interface SpellIndex {
  spells: Map<string, Spell>;
  /** Entity name -> the spell declaring it. */
  entities: Map<string, Spell>;
}

export function indexSpells(spells: Spell[], diagnostics: Diagnostic[]): SpellIndex {
  const index: SpellIndex = { spells: new Map(), entities: new Map() };
  for (const spell of spells) {
    const first = index.spells.get(spell.name);
    if (first) {
      diagnostics.push({ rule: RULES.duplicateSpell.id, severity: RULES.duplicateSpell.severity, message: MESSAGES.duplicateSpell(spell.name, where(first.location)), location: spell.location, spell: spell.name });
      continue;
    }
    index.spells.set(spell.name, spell);
    for (const entity of spell.entities) {
      const owner = index.entities.get(entity.name);
      if (owner) {
        const firstEntity = owner.entities.find((e) => e.name === entity.name)!;
        if (firstEntity !== entity) {
          diagnostics.push({ rule: RULES.duplicateEntity.id, severity: RULES.duplicateEntity.severity, message: MESSAGES.duplicateEntity(entity.name, where(firstEntity.location)), location: entity.location, spell: spell.name });
        }
        continue;
      }
      index.entities.set(entity.name, spell);
    }
  }
  return index;
}

/** Every dependency of a spell, its entities' included. */
function allDependencies(spell: Spell) {
  return spell.entities.length ? [...spell.dependencies, ...spell.entities.flatMap((e) => e.dependencies)] : spell.dependencies;
}

/** Texts of a spell other than its dependency lines, for the unused-reference check. */
function mentionsText(spell: Spell): string {
  const parts: string[] = [];
  const add = (c: Spell | Spell['entities'][number]) => {
    for (const x of c.contracts) parts.push(x.input, x.output);
    for (const list of [c.guarantees, c.assumptions, c.exclusions, c.questions]) for (const item of list) parts.push(item.text);
    for (const o of c.obligations) parts.push(o.text, o.test ?? '');
  };
  add(spell);
  for (const entity of spell.entities) add(entity);
  for (const intent of spell.intents) parts.push(intent.text);
  for (const section of spell.sections) for (const item of section.items) parts.push(item.text);
  return parts.join('\n');
}

const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Does `word` occur in `text` as a whole word? (No RegExp per call: this runs once per entity reference.) */
function mentionsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = at === 0 ? 32 : text.charCodeAt(at - 1);
    const after = at + word.length >= text.length ? 32 : text.charCodeAt(at + word.length);
    if (!isWordChar(before) && !isWordChar(after)) return true;
  }
  return false;
}

export function checkGraph(spells: Spell[], index: SpellIndex): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  /** Resolved edges: spell -> [target spell, the dependency's location]. */
  const edges = new Map<string, { target: string; location: Location }[]>();

  for (const spell of index.spells.values()) {
    const out: { target: string; location: Location }[] = [];
    let mentions: string | undefined;
    for (const dep of allDependencies(spell)) {
      if (dep.kind === 'spell') {
        if (!index.spells.has(dep.target)) {
          diagnostics.push({ rule: RULES.unknownDependency.id, severity: RULES.unknownDependency.severity, message: MESSAGES.unknownDependency(dep.target, suggestName(dep.target, index.spells.keys())), location: dep.location, spell: spell.name });
          continue;
        }
        out.push({ target: dep.target, location: dep.location });
      } else {
        const owner = index.entities.get(dep.target);
        if (!owner) {
          diagnostics.push({ rule: RULES.unknownDependency.id, severity: RULES.unknownDependency.severity, message: MESSAGES.unknownEntity(dep.target, suggestName(dep.target, index.entities.keys())), location: dep.location, spell: spell.name });
          continue;
        }
        if (owner !== spell) out.push({ target: owner.name, location: dep.location });
        mentions ??= mentionsText(spell);
        if (!mentionsWord(mentions, dep.target)) {
          diagnostics.push({ rule: RULES.unusedEntityReference.id, severity: RULES.unusedEntityReference.severity, message: MESSAGES.unusedEntityReference(dep.target), location: dep.location, spell: spell.name });
        }
      }
    }
    edges.set(spell.name, out);
  }
  diagnostics.push(...findCycles(edges));
  return diagnostics;
}

/**
 * Iterative DFS (no recursion, so 5,000-spell chains cannot overflow the stack). Each
 * back edge closes one cycle; a cycle is reported once, rotated to start at its smallest
 * name so the same cycle found from two places reads the same.
 */
function findCycles(edges: Map<string, { target: string; location: Location }[]>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const reported = new Set<string>();
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const stack: { name: string; next: number }[] = [{ name: start, next: 0 }];
    const onPath: string[] = [start];
    state.set(start, 1);
    while (stack.length) {
      const frame = stack[stack.length - 1];
      const out = edges.get(frame.name) ?? [];
      if (frame.next >= out.length) {
        state.set(frame.name, 2);
        stack.pop();
        onPath.pop();
        continue;
      }
      const edge = out[frame.next++];
      const s = state.get(edge.target);
      if (s === 1) {
        const cycle = onPath.slice(onPath.indexOf(edge.target));
        let min = 0;
        for (let i = 1; i < cycle.length; i++) if (cycle[i] < cycle[min]) min = i;
        const rotated = [...cycle.slice(min), ...cycle.slice(0, min)];
        const key = rotated.join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          diagnostics.push({ rule: RULES.cycle.id, severity: RULES.cycle.severity, message: MESSAGES.cycle([...rotated, rotated[0]]), location: edge.location, spell: frame.name });
        }
      } else if (s === undefined) {
        state.set(edge.target, 1);
        stack.push({ name: edge.target, next: 0 });
        onPath.push(edge.target);
      }
    }
  }
  return diagnostics;
}
