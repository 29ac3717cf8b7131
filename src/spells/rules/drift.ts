/**
 * Dependency drift: the spells' `>` edges compared with what their modules really import.
 *
 * Each spell mapped to a module in the manifest owns that module's folder (or file). The
 * module's imports are read from source (`readModuleImports`: its index and every file it
 * reaches, re-exports and type-only imports included, the latter counted apart); an import
 * that resolves into another spell's module is a code edge between the two spells. Then:
 * - a code edge with no `>` edge either way between the two spells: `drift/undeclared-dependency`
 *   at the first import;
 * - a `>` edge A -> B where B's module imports A's and A's does not import B's:
 *   `drift/reversed-dependency` at the `>` line;
 * - a `>` edge with no import either way: `drift/edge-without-import` (info: a spell may use
 *   another through data its caller passes, such as encoder output reaching the packetizer).
 * Only spells that are checked together and whose modules exist take part.
 */
import { dirname, relative, sep } from 'node:path';
import { LIMITS, MESSAGES, RULES } from '../constants.js';
import type { Dependency, Diagnostic, Location, Spell } from '../model.js';
import type { Manifest } from '../manifest.js';
import type { SpellIndex } from './graph.js';
import { readModuleImports, type ImportReference, type ModuleImports } from '../code/index.js';
import { isDirectory, isFile } from '../code/file-cache.js';
import { pathUnder } from '../code/paths.js';

/** A spell's module as the drift check sees it. */
export interface SpellModule {
  spell: string;
  /** As written in the manifest (`src/peer`). */
  module: string;
  /** Absolute folder or file. */
  path: string;
  imports: ModuleImports;
}

/** A `>` edge (spell or entity dependency, resolved to its spell), first place written. */
export interface DeclaredEdge {
  from: string;
  to: string;
  location: Location;
}

/** Every import from one spell's module into another's. */
export interface CodeEdge {
  from: string;
  to: string;
  imports: ImportReference[];
  /** How many of `imports` are type-only. */
  typeOnly: number;
}

export type EdgeStatus = 'ok' | 'undeclared' | 'reversed' | 'no-import';

/** One line of the combined picture: a declared edge, a code edge, or both. */
export interface EdgeView {
  from: string;
  to: string;
  declared?: DeclaredEdge;
  code?: CodeEdge;
  status: EdgeStatus;
}

export interface DependencyAnalysis {
  modules: Map<string, SpellModule>;
  declared: DeclaredEdge[];
  code: CodeEdge[];
  edges: EdgeView[];
  diagnostics: Diagnostic[];
}

/**
 * Values keyed by an edge between two spells, looked up by the two names as they are: a check
 * of 5,000 spells looked edges up some 50,000 times, and a key string built per lookup had to
 * be made and hashed each time (the names' own hashes are kept on the strings).
 */
class EdgeMap<T> {
  private readonly byFrom = new Map<string, Map<string, T>>();

  get(from: string, to: string): T | undefined {
    return this.byFrom.get(from)?.get(to);
  }

  has(from: string, to: string): boolean {
    return this.byFrom.get(from)?.has(to) ?? false;
  }

  set(from: string, to: string, value: T): void {
    let row = this.byFrom.get(from);
    if (!row) this.byFrom.set(from, (row = new Map()));
    row.set(to, value);
  }
}

/** Spell-level and entity-level `>` edges of every indexed spell, resolved to spell names. */
export function declaredEdges(index: SpellIndex): DeclaredEdge[] {
  const out: DeclaredEdge[] = [];
  const seen = new EdgeMap<true>();
  const add = (spell: Spell, dependencies: Dependency[]) => {
    for (const dep of dependencies) {
      const target = dep.kind === 'spell' ? (index.spells.has(dep.target) ? dep.target : undefined) : index.entities.get(dep.target)?.name;
      if (!target || target === spell.name || seen.has(spell.name, target)) continue;
      seen.set(spell.name, target, true);
      out.push({ from: spell.name, to: target, location: dep.location });
    }
  };
  for (const spell of index.spells.values()) {
    add(spell, spell.dependencies);
    for (const entity of spell.entities) add(spell, entity.dependencies);
  }
  return out.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

function modulePath(root: string, module: string): string | undefined {
  const path = pathUnder(root, module);
  if (isDirectory(path) || isFile(path)) return path;
  if (isFile(path + '.ts')) return path + '.ts';
  return undefined;
}

const byLocation = (a: ImportReference, b: ImportReference) =>
  a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : a.location.line - b.location.line || a.location.column - b.location.column;

/** Compare declared edges with imports for every indexed spell mapped in `manifest`. */
export function analyzeDependencies(index: SpellIndex, manifest: Manifest): DependencyAnalysis {
  // Owners: module folder or file -> spell (the first spell, by name, mapping it).
  const owners = new Map<string, string>();
  const paths = new Map<string, { module: string; path: string }>();
  for (const name of [...index.spells.keys()].sort()) {
    const module = manifest.entries.get(name)?.modules[0];
    if (!module) continue;
    const path = modulePath(manifest.root, module);
    if (!path || owners.has(path)) continue;
    owners.set(path, name);
    paths.set(name, { module, path });
  }
  const ownerOf = (file: string): string | undefined => {
    const exact = owners.get(file);
    if (exact) return exact;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      const o = owners.get(dir);
      if (o) return o;
      if (dirname(dir) === dir) return undefined;
    }
  };

  const modules = new Map<string, SpellModule>();
  const codeMap = new EdgeMap<CodeEdge>();
  const codeEdges: CodeEdge[] = [];
  for (const [spell, { module, path }] of paths) {
    // The module's own files (not those of a module nested inside it), plus files no spell
    // owns (shared helpers reached through it).
    const within = (file: string) => {
      const owner = ownerOf(file);
      return owner === undefined || owner === spell;
    };
    const imports = readModuleImports(path, { within, maxFiles: LIMITS.maxModuleFiles });
    modules.set(spell, { spell, module, path, imports });
    for (const ref of imports.external) {
      const to = ref.target ? ownerOf(ref.target) : undefined;
      if (!to || to === spell) continue;
      let edge = codeMap.get(spell, to);
      if (!edge) {
        edge = { from: spell, to, imports: [], typeOnly: 0 };
        codeMap.set(spell, to, edge);
        codeEdges.push(edge);
      }
      edge.imports.push(ref);
      if (ref.typeOnly) edge.typeOnly++;
    }
  }
  const code = codeEdges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : 1));
  for (const edge of code) edge.imports.sort(byLocation);

  const declared = declaredEdges(index).filter((e) => modules.has(e.from) && modules.has(e.to));
  const declaredMap = new EdgeMap<DeclaredEdge>();
  for (const e of declared) declaredMap.set(e.from, e.to, e);
  const edges: EdgeView[] = [];
  const diagnostics: Diagnostic[] = [];
  const where = (r: ImportReference) => `${displayPath(r.location.file, manifest.root)}:${r.location.line}`;

  for (const edge of code) {
    const declaredHere = declaredMap.get(edge.from, edge.to);
    const declaredBack = declaredMap.get(edge.to, edge.from);
    if (declaredHere) continue; // reported with the declared edges below
    if (declaredBack && !codeMap.has(edge.to, edge.from)) continue; // a reversed edge, reported at its `>` line
    edges.push({ from: edge.from, to: edge.to, code: edge, status: declaredBack ? 'ok' : 'undeclared' });
    if (declaredBack) continue;
    const first = edge.imports[0];
    diagnostics.push({
      rule: RULES.undeclaredDependency.id, severity: RULES.undeclaredDependency.severity, spell: edge.from,
      message: MESSAGES.undeclaredDependency(edge.from, modules.get(edge.from)!.module, edge.to, modules.get(edge.to)!.module, MESSAGES.importCount(edge.imports.length, edge.typeOnly)),
      location: { ...first.location },
    });
  }
  for (const d of declared) {
    const forward = codeMap.get(d.from, d.to);
    const backward = codeMap.get(d.to, d.from);
    const fromModule = modules.get(d.from)!.module;
    const toModule = modules.get(d.to)!.module;
    if (forward) {
      edges.push({ from: d.from, to: d.to, declared: d, code: forward, status: 'ok' });
    } else if (backward) {
      edges.push({ from: d.from, to: d.to, declared: d, code: backward, status: 'reversed' });
      diagnostics.push({
        rule: RULES.reversedDependency.id, severity: RULES.reversedDependency.severity, spell: d.from,
        message: MESSAGES.reversedDependency(d.from, d.to, fromModule, toModule, where(backward.imports[0])),
        location: { ...d.location },
      });
    } else {
      edges.push({ from: d.from, to: d.to, declared: d, status: 'no-import' });
      diagnostics.push({
        rule: RULES.edgeWithoutImport.id, severity: RULES.edgeWithoutImport.severity, spell: d.from,
        message: MESSAGES.edgeWithoutImport(d.from, d.to, fromModule, toModule),
        location: { ...d.location },
      });
    }
  }
  edges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  return { modules, declared, code, edges, diagnostics };
}

function displayPath(file: string, root: string): string {
  const rel = relative(root, file);
  return (rel && !rel.startsWith('..') ? rel : file).split(sep).join('/');
}

/** The drift findings for `spell check`. */
export function checkDrift(index: SpellIndex, manifest: Manifest): Diagnostic[] {
  return analyzeDependencies(index, manifest).diagnostics;
}

