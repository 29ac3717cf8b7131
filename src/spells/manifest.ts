/**
 * The spellbook manifest (`spellbook.yaml`): which module implements each spell, which
 * test files prove it, and its seal. Found next to the checked spells or in a parent folder.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Pair, Scalar } from 'yaml';
import { MANIFEST_FILE, MESSAGES, RULES } from './constants.js';
import type { Diagnostic, Location } from './model.js';
import { describeAjvError, validateManifestObject } from './schema.js';
import { yaml } from './yaml.js';

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

type ManifestValue = { root?: string; spells?: Record<string, { module?: string | string[]; tests?: string[]; seal?: string }> };

/** A plain scalar that YAML reads as this same string (no number, boolean, null or indicator). */
const SAFE_PLAIN = /^(?:[A-Za-z_/]|\.(?![0-9]))[A-Za-z0-9_./*?@+:-]*$/;
const YAML_WORD = /^(?:true|false|null|yes|no|on|off|y|n|[-+]?\.(?:inf|nan))$/i;
const SPELL_KEY = /^([A-Za-z_][A-Za-z0-9_.-]*):$/;
const FIELD = /^(module|tests|seal): (.+)$/;
/** Characters the line reader leaves to the YAML parser: controls but CR and LF, and whitespace but space, CR and LF. */
const NOT_SIMPLE_CHARS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f]|[^\S \r\n]/;

function simpleScalar(text: string): string | undefined {
  if (/^'[^']*'$/.test(text)) return text.slice(1, -1);
  if (/^"[^"\\]*"$/.test(text)) return text.slice(1, -1);
  if (SAFE_PLAIN.test(text) && !text.endsWith(':') && !YAML_WORD.test(text)) return text;
  return undefined;
}

function simpleList(text: string): string[] | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  const out: string[] = [];
  for (const part of inner.split(',')) {
    const item = simpleScalar(part.trim());
    if (item === undefined) return undefined;
    out.push(item);
  }
  return out;
}

/**
 * The manifest in the shape `spell new` and `spell seal` write (comments, `root:`, `spells:`,
 * one `Name:` per spell with `module:`, `tests: [...]` and `seal:`), read line by line, with
 * each spell's key line. Undefined as soon as any line is outside that shape, or a value might
 * mean something else to YAML (a number, a boolean, a quote with escapes, a flow item with a
 * comma): then the YAML parser reads the file. A 5,000-entry manifest takes milliseconds this
 * way instead of about a second.
 */
export function readSimpleManifest(text: string): { value: ManifestValue; keyLines: Map<string, { line: number; column: number }> } | undefined {
  // Byte order marks, tabs and lone CRs (which YAML's line counting treats differently) go to the YAML parser,
  // and so do other control characters and any whitespace but space and line ends: JavaScript's trim()
  // strips a vertical tab or a no-break space that YAML keeps in a value (found by the differential fuzzer).
  if (text.charCodeAt(0) === 0xfeff || /\r(?!\n)/.test(text) || NOT_SIMPLE_CHARS.test(text)) return undefined;
  const value: ManifestValue = {};
  const keyLines = new Map<string, { line: number; column: number }>();
  const lines = text.split(/\r\n|\r|\n/);
  let inSpells = false;
  let spellIndent = -1;
  let fieldIndent = -1;
  let current: { module?: string | string[]; tests?: string[]; seal?: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trimEnd();
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    if (content.includes(' #') || content === '---' || content === '...') return undefined;
    const indent = line.length - content.length;
    if (indent === 0) {
      current = undefined;
      if (content === 'spells:' && value.spells === undefined) { value.spells = {}; inSpells = true; continue; }
      const root = /^root: (.+)$/.exec(content);
      if (root && value.root === undefined) {
        const scalar = simpleScalar(root[1].trim());
        if (scalar === undefined) return undefined;
        value.root = scalar;
        inSpells = false;
        continue;
      }
      return undefined;
    }
    if (!inSpells) return undefined;
    if (spellIndent < 0) spellIndent = indent;
    if (indent === spellIndent) {
      const key = SPELL_KEY.exec(content);
      if (!key || YAML_WORD.test(key[1]) || Object.hasOwn(value.spells!, key[1])) return undefined;
      current = {};
      value.spells![key[1]] = current;
      keyLines.set(key[1], { line: i + 1, column: indent + 1 });
      continue;
    }
    if (!current || indent < spellIndent) return undefined;
    if (fieldIndent < 0) fieldIndent = indent;
    if (indent !== fieldIndent) return undefined;
    const field = FIELD.exec(content);
    if (!field || Object.hasOwn(current, field[1])) return undefined;
    const raw = field[2].trim();
    if (field[1] === 'tests') {
      const list = simpleList(raw);
      if (!list) return undefined;
      current.tests = list;
    } else if (field[1] === 'module' && raw.startsWith('[')) {
      const list = simpleList(raw);
      if (!list) return undefined;
      current.module = list;
    } else {
      const scalar = simpleScalar(raw);
      if (scalar === undefined) return undefined;
      if (field[1] === 'module') current.module = scalar;
      else current.seal = scalar;
    }
  }
  // An empty `Name:` is null in YAML, not {}: leave such files to the YAML parser.
  if (value.spells && Object.values(value.spells).some((e) => Object.keys(e).length === 0)) return undefined;
  if (!value.spells || Object.keys(value.spells).length === 0) return undefined;
  return { value, keyLines };
}

/** A manifest from text already in memory (an editor's unsaved buffer), as if read from `path`. */
export function parseManifest(path: string, text: string): Manifest {
  const simple = readSimpleManifest(text);
  if (simple && validateManifestObject(simple.value).length === 0) {
    const manifest: Manifest = { path, root: resolve(dirname(path), '..'), entries: new Map(), diagnostics: [] };
    if (simple.value.root) manifest.root = resolve(dirname(path), simple.value.root);
    for (const [spell, entry] of Object.entries(simple.value.spells ?? {})) {
      const modules = entry.module === undefined ? [] : Array.isArray(entry.module) ? entry.module : [entry.module];
      manifest.entries.set(spell, { spell, modules, tests: entry.tests ?? [], seal: entry.seal, location: { file: path, ...simple.keyLines.get(spell)! } });
    }
    return manifest;
  }
  return parseManifestYaml(path, text);
}

/** The manifest read by the YAML parser (any YAML; schema errors located at their value). */
export function parseManifestYaml(path: string, text: string): Manifest {
  const { LineCounter, parseDocument, isMap, isScalar } = yaml();
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
  const value = (resolved ?? {}) as ManifestValue;
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
  const { Document, parseDocument } = yaml();
  const doc = existsSync(manifestPath) ? parseDocument(readFileSync(manifestPath, 'utf8')) : new Document({ spells: {} });
  if (!doc.has('spells')) doc.set('spells', doc.createNode({}));
  doc.setIn(['spells', spell, 'module'], module);
  doc.setIn(['spells', spell, 'tests'], doc.createNode([`${module}/**/*.test.ts`], { flow: true }));
  writeFileSync(manifestPath, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}

/** Record (or replace) a spell's seal in the manifest, keeping comments and layout. */
export function writeSeal(manifestPath: string, spell: string, seal: string): void {
  const doc = yaml().parseDocument(readFileSync(manifestPath, 'utf8'));
  if (!doc.has('spells')) doc.set('spells', doc.createNode({}));
  doc.setIn(['spells', spell, 'seal'], seal);
  writeFileSync(manifestPath, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
}
