/**
 * The server's view of a workspace: the spell files on disk, overlaid with the documents
 * open in the editor (their unsaved text wins), checked by the spell engine's one
 * `Validator`, so the editor shows exactly what `spell check` prints: same rules, ids,
 * severities and messages. Parsed files are cached by editor version or by mtime and size;
 * everything that depends on other files (graph, mapping to code, bound tests) is
 * recomputed on every check, so an edit or a file changed on disk updates them.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import {
  MANIFEST_FILE, Validator, VitestResultsError, clearCodeCaches, collectSpellFiles, decodeSpellSource, findManifest, indexSpells,
  loadManifest, parseManifest, parseSpellSource, readSpellFile, readVitestResults, spellFileKind, validateSpell,
  type CheckReport, type Diagnostic, type LoadedSpellbook, type Manifest, type ParsedFile, type Spell, type TestResult,
} from '../spells/index.js';
import { DEFAULTS, LIMITS } from './constants.js';

export interface WorkspaceOptions {
  /** Absolute workspace root; relative paths below are resolved against it. */
  root: string;
  /** Spell files and folders to check (default `spellbook`), as `spell check [paths]`. */
  paths?: string[];
  /** As `spell check --strict`. */
  strict?: boolean;
  /** As `spell check --results <file>`: bound tests must have passed in this vitest report. */
  results?: string;
  /** As `spell check --manifest <file>`. */
  manifest?: string;
}

/** One spell file as last parsed. */
export interface FileState {
  file: string;
  /** The text parsed (undefined when the file could not be read or decoded). */
  text?: string;
  parsed: ParsedFile;
  /** Schema findings of its spells (`validateSpell`). */
  schema: Diagnostic[];
  /** Editor version (open documents) or `mtime:size` (files on disk). */
  key: string;
  open: boolean;
}

export interface Analysis {
  root: string;
  /** Every checked spell file by absolute path. */
  files: Map<string, FileState>;
  /** First declaration of each spell name, and the spell declaring each entity. */
  spells: Map<string, Spell>;
  entities: Map<string, Spell>;
  /** All spells in file order, duplicates included. */
  allSpells: Spell[];
  manifest?: Manifest;
  report: CheckReport;
  /** The report's findings by file (absolute path). */
  byFile: Map<string, Diagnostic[]>;
  /** A problem with the configured results file, if any (the check ran without it). */
  resultsProblem?: string;
}

/** Is `path` a spell file `spell check` would read when walking a folder? */
export function isSpellPath(path: string): boolean {
  const name = basename(path);
  return name !== MANIFEST_FILE && /\.(?:spell|md|spell\.ya?ml)$/i.test(name);
}

export function isManifestPath(path: string): boolean {
  return basename(path) === MANIFEST_FILE;
}

interface DiskView {
  at: number;
  paths: string[];
  files: string[];
  diagnostics: Diagnostic[];
  keys: Map<string, string | undefined>;
  manifestPath?: string;
}

function statKey(path: string): string | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  return st?.isFile() ? `${st.mtimeMs}:${st.size}` : undefined;
}

export class SpellWorkspace {
  #options: WorkspaceOptions;
  readonly #open = new Map<string, { text: string; version: number }>();
  readonly #cache = new Map<string, FileState>();
  #manifestCache?: { path: string; key: string; manifest: Manifest };
  #resultsCache?: { key: string; results: TestResult[] };
  #analysis?: Analysis;
  #book?: { book: LoadedSpellbook; paths: string[] };
  /** What was last seen on disk: trusted for `LIMITS.diskTtlMs`, or until `filesChanged()`. */
  #disk?: DiskView;

  constructor(options: WorkspaceOptions) {
    this.#options = { ...options, root: resolve(options.root) };
  }

  get root(): string {
    return this.#options.root;
  }

  /** Replace the settings (paths, strict, results, manifest: what is left out goes back to its default); the next check uses them. */
  configure(settings: Omit<WorkspaceOptions, 'root'>): void {
    this.#options = { root: this.root, ...settings };
    this.#disk = undefined;
    this.#analysis = undefined;
  }

  /** A document opened or edited in the editor: its text replaces the file on disk. */
  setOpen(file: string, text: string, version: number): void {
    this.#open.set(file, { text, version });
    this.#analysis = undefined;
  }

  close(file: string): void {
    this.#open.delete(file);
    this.#analysis = undefined;
  }

  isOpen(file: string): boolean {
    return this.#open.has(file);
  }

  /** Files changed on disk (created, changed, deleted): forget what was derived from them. */
  filesChanged(files: string[]): void {
    for (const file of files) this.#cache.delete(file);
    clearCodeCaches();
    this.#resultsCache = undefined;
    this.#manifestCache = undefined;
    this.#disk = undefined;
    this.#analysis = undefined;
  }

  /** The spell files, file keys and manifest on disk, re-read at most every `LIMITS.diskTtlMs`. */
  #diskView(): DiskView {
    const now = performance.now();
    if (this.#disk && now - this.#disk.at < LIMITS.diskTtlMs) return this.#disk;
    const paths = this.#paths();
    const collected = collectSpellFiles(paths);
    this.#disk = { at: now, paths, files: collected.files, diagnostics: collected.diagnostics, keys: new Map(), manifestPath: undefined };
    return this.#disk;
  }

  #diskKey(file: string): string | undefined {
    const disk = this.#diskView();
    if (!disk.keys.has(file)) disk.keys.set(file, statKey(file));
    return disk.keys.get(file);
  }

  /** The text of a file as the editor sees it: the open document, else the file on disk. */
  textOf(file: string): string | undefined {
    const open = this.#open.get(file);
    if (open) return open.text;
    const state = this.#analysis?.files.get(file);
    if (state?.text !== undefined) return state.text;
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Configured paths that exist, absolute. */
  #paths(): string[] {
    const paths = this.#options.paths?.length ? this.#options.paths : DEFAULTS.paths;
    return paths.map((p) => resolve(this.root, p)).filter((p) => statSync(p, { throwIfNoEntry: false }) !== undefined);
  }

  #parse(file: string): FileState {
    const open = this.#open.get(file);
    const key = open ? `v${open.version}` : this.#diskKey(file) ?? 'missing';
    const hit = this.#cache.get(file);
    if (hit && hit.key === key) return hit;
    let text: string | undefined;
    let parsed: ParsedFile;
    if (open) {
      const decoded = decodeSpellSource(file, Buffer.from(open.text, 'utf8'));
      text = open.text;
      parsed = decoded.ok ? parseSpellSource(file, decoded.text) : { file, spells: [], diagnostics: [decoded.diagnostic] };
    } else {
      let bytes: Uint8Array | undefined;
      try {
        bytes = readFileSync(file);
      } catch {
        bytes = undefined;
      }
      const decoded = bytes ? decodeSpellSource(file, bytes) : undefined;
      if (decoded?.ok) {
        text = decoded.text;
        parsed = parseSpellSource(file, decoded.text);
      } else parsed = decoded ? { file, spells: [], diagnostics: [decoded.diagnostic] } : readSpellFile(file);
    }
    const state: FileState = { file, text, parsed, schema: parsed.spells.flatMap((s) => validateSpell(s)), key, open: Boolean(open) };
    this.#cache.set(file, state);
    return state;
  }

  #manifest(path: string): Manifest | undefined {
    const open = this.#open.get(path);
    const key = open ? `v${open.version}` : this.#diskKey(path);
    if (!key) return undefined;
    if (this.#manifestCache?.path === path && this.#manifestCache.key === key) return this.#manifestCache.manifest;
    let manifest: Manifest;
    try {
      manifest = open ? parseManifest(path, open.text) : loadManifest(path);
    } catch {
      return undefined;
    }
    this.#manifestCache = { path, key, manifest };
    return manifest;
  }

  /** The manifest the check would use: configured, else found near the checked paths. */
  manifestPath(): string | undefined {
    if (this.#options.manifest) return resolve(this.root, this.#options.manifest);
    const disk = this.#diskView();
    if (disk.paths.length) return (disk.manifestPath ??= findManifest(disk.paths));
    const openSpells = [...this.#open.keys()].filter(isSpellPath);
    return findManifest(openSpells.length ? openSpells.map(dirname) : [this.root]);
  }

  /** Check the workspace (cached until something changes). Never throws. */
  analyze(): Analysis {
    if (this.#analysis) return this.#analysis;
    const collected = this.#diskView();
    const paths = collected.paths;
    const fileNames = new Set(collected.files);
    for (const file of this.#open.keys()) {
      if (!isSpellPath(file) || fileNames.has(file)) continue;
      // An open Markdown file outside the spell folders counts only when it holds spells.
      const inside = paths.some((p) => file === p || file.startsWith(p + sep));
      if (!inside && spellFileKind(file) === 'markdown' && !/\.spell\.md$/i.test(file) && this.#parse(file).parsed.spells.length === 0) continue;
      fileNames.add(file);
    }
    const files = new Map<string, FileState>();
    const book: LoadedSpellbook = { files: [], spells: [], diagnostics: collected.diagnostics.map((d) => ({ ...d })) };
    for (const file of [...fileNames].sort()) {
      const state = this.#parse(file);
      files.set(file, state);
      book.files.push(state.parsed);
      // Item by item: a 30 MB book holds more spells than a spread call takes arguments.
      for (const d of state.parsed.diagnostics) book.diagnostics.push({ ...d });
      for (const spell of state.parsed.spells) book.spells.push(spell);
      for (const d of state.schema) book.diagnostics.push({ ...d });
    }
    for (const file of this.#cache.keys()) if (!fileNames.has(file)) this.#cache.delete(file);
    const manifestPath = this.manifestPath();
    const manifest = manifestPath ? this.#manifest(manifestPath) : undefined;
    if (manifest) {
      book.manifest = { ...manifest, diagnostics: manifest.diagnostics.map((d) => ({ ...d })) };
      for (const d of book.manifest.diagnostics) book.diagnostics.push(d);
    }
    this.#book = { book, paths: paths.length ? paths : [...fileNames] };
    let resultsProblem: string | undefined;
    let report: CheckReport;
    try {
      report = this.check(this.#options.strict);
    } catch (error) {
      resultsProblem = error instanceof Error ? error.message : String(error);
      report = this.check(this.#options.strict, false);
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of report.diagnostics) {
      const list = byFile.get(d.location.file);
      if (list) list.push(d);
      else byFile.set(d.location.file, [d]);
    }
    const index = indexSpells(book.spells, []);
    this.#analysis = { root: this.root, files, spells: index.spells, entities: index.entities, allSpells: book.spells, manifest, report, byFile, resultsProblem };
    return this.#analysis;
  }

  /**
   * Run the spell engine's `Validator` over the book the last `analyze()` loaded (as
   * `spell check` would, `strict` as `--strict`); `withResults: false` leaves out the results file.
   */
  check(strict = this.#options.strict, withResults = true): CheckReport {
    if (!this.#book) this.analyze();
    const { book, paths } = this.#book!;
    const results = withResults && this.#options.results ? resolve(this.root, this.#options.results) : undefined;
    // A fresh copy of the findings: the validator adds to them and adjusts their severities.
    return new Validator({ paths, strict, results }).run({ ...book, diagnostics: book.diagnostics.map((d) => ({ ...d })) });
  }

  /** Last results of tests from `reports/vitest.json` under the root (for hover), if present and readable. */
  lastResults(): { file: string; results: TestResult[] } | undefined {
    const file = resolve(this.root, this.#options.results ?? DEFAULTS.resultsFile);
    const key = statKey(file);
    if (!key) return undefined;
    if (this.#resultsCache?.key !== key) {
      try {
        this.#resultsCache = { key, results: readVitestResults(file) };
      } catch (error) {
        if (!(error instanceof VitestResultsError)) throw error;
        this.#resultsCache = { key, results: [] };
      }
    }
    return { file, results: this.#resultsCache.results };
  }
}
