/**
 * The spellbook manifest (`spellbook.yaml`): which module implements each spell, which
 * test files prove it, and its seal. Found next to the checked spells or in a parent folder.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Document, LineCounter, parseDocument, isMap, isScalar, type Pair, type Scalar } from 'yaml';
import { MANIFEST_FILE, MESSAGES, RULES } from './constants.js';
import type { Diagnostic, Location } from './model.js';
import { describeAjvError, validateManifestObject } from './schema.js';

export interface ManifestEntry {
  spell: string;
  modules: string[];
  tests: string[];
  seal?: string;
  location: Location;
}

export interface Manifest {
  path: string;
  /** Absolute project root that module and test paths are relative to. */
  root: string;
  entries: Map<string, ManifestEntry>;
  diagnostics: Diagnostic[];
}

/** The manifest for a set of checked paths: in the first path's folder or its ancestors. */
export function findManifest(paths: string[]): string | undefined {
  for (const path of paths) {
    let dir = resolve(path);
    if (!isDirectory(dir)) dir = dirname(dir);
    for (;;) {
      const candidate = join(dir, MANIFEST_FILE);
      if (existsSync(candidate)) return candidate;
      const nested = join(dir, 'spellbook', MANIFEST_FILE);
      if (existsSync(nested)) return nested;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

export function loadManifest(path: string): Manifest {
  return parseManifest(path, readFileSync(path, 'utf8'));
}

/** A manifest from text already in memory (an editor's unsaved buffer), as if read from `path`. */
export function parseManifest(path: string, text: string): Manifest {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, logLevel: 'error' });
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number | undefined): Location => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file: path, line, column: col };
  };
  const manifest: Manifest = { path, root: resolve(dirname(path), '..'), entries: new Map(), diagnostics };
  const report = (message: string, location: Location) =>
    diagnostics.push({ rule: RULES.manifestInvalid.id, severity: RULES.manifestInvalid.severity, message: MESSAGES.manifestInvalid(message), location });

  if (doc.errors.length) {
    for (const e of doc.errors) report(e.message.split('\n')[0], at(e.pos[0]));
    return manifest;
  }
  let resolved: unknown;
  try {
    resolved = doc.toJS();
  } catch (error) {
    report(error instanceof Error ? error.message.split('\n')[0] : String(error), at(doc.contents?.range?.[0]));
    return manifest;
  }
  const value = (resolved ?? {}) as { root?: string; spells?: Record<string, { module?: string | string[]; tests?: string[]; seal?: string }> };
  const errors = validateManifestObject(value);
  for (const error of errors) {
    const path = error.instancePath.split('/').slice(1);
    if (error.keyword === 'additionalProperties') path.push((error.params as { additionalProperty: string }).additionalProperty);
    const node = (doc.getIn(path, true) ?? doc.getIn(path.slice(0, -1), true)) as { range?: [number, number] } | undefined;
    report(describeAjvError(error), at(node?.range?.[0]));
  }
  if (errors.length) return manifest;
  if (value.root) manifest.root = resolve(dirname(path), value.root);
  const spellsNode = doc.get('spells', true);
  const keyOffsets = new Map<string, number>();
  if (isMap(spellsNode)) {
    for (const pair of spellsNode.items as Pair<Scalar, unknown>[]) {
      if (isScalar(pair.key)) keyOffsets.set(String(pair.key.value), pair.key.range?.[0] ?? 0);
    }
  }
  for (const [spell, entry] of Object.entries(value.spells ?? {})) {
    const modules = entry.module === undefined ? [] : Array.isArray(entry.module) ? entry.module : [entry.module];
    manifest.entries.set(spell, { spell, modules, tests: entry.tests ?? [], seal: entry.seal, location: at(keyOffsets.get(spell)) });
  }
  return manifest;
}

/** Map a spell to its module in the manifest (created if missing), keeping comments and layout. */
export function addManifestEntry(manifestPath: string, spell: string, module: string): void {
  const doc = existsSync(manifestPath) ? parseDocument(readFileSync(manifestPath, 'utf8')) : new Document({ spells: {} });
  if (!doc.has('spells')) doc.set('spells', doc.createNode({}));
  doc.setIn(['spells', spell, 'module'], module);
  doc.setIn(['spells', spell, 'tests'], doc.createNode([`${module}/**/*.test.ts`], { flow: true }));
  writeFileSync(manifestPath, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}

/** Record (or replace) a spell's seal in the manifest, keeping comments and layout. */
export function writeSeal(manifestPath: string, spell: string, seal: string): void {
  const doc = parseDocument(readFileSync(manifestPath, 'utf8'));
  if (!doc.has('spells')) doc.set('spells', doc.createNode({}));
  doc.setIn(['spells', spell, 'seal'], seal);
  writeFileSync(manifestPath, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}
