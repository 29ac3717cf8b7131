/**
 * The Validator: the one core `spell check` (and anything else) runs. It reads the spell
 * files, validates each spell against the schema, then applies the graph, seal and
 * mapping rules, and the draft policy: on an unsealed spell, seal and mapping findings are
 * warnings unless `strict`.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_SPELLBOOK_DIR, DRAFT_SOFTENED_PREFIXES, MESSAGES, RULES, STRICT_ERROR_RULES } from './constants.js';
import { collectSpellFiles, readSpellFile, spellFileKind } from './files.js';
import { findManifest, loadManifest, type Manifest } from './manifest.js';
import type { Diagnostic, ParsedFile, Spell } from './model.js';
import { checkDrift } from './rules/drift.js';
import { checkGraph, indexSpells } from './rules/graph.js';
import { checkMapping, type TestEvidence } from './rules/mapping.js';
import { checkSealRules } from './rules/seal.js';
import { validateSpell } from './schema.js';
import { readVitestResults } from './code/index.js';

export interface CheckOptions {
  /** Files and folders to check (default: `spellbook/`). */
  paths?: string[];
  /** Drafts are held to sealed standards; warnings fail the check. */
  strict?: boolean;
  /** Path of a vitest JSON report: bound tests must have passed in it. */
  results?: string;
  /** Manifest to use instead of the one found near the paths; `false` for none. */
  manifest?: string | false;
}

export interface SpellSummary {
  name: string;
  file: string;
  line: number;
  sealed: boolean;
  module?: string;
  entities: number;
  tests: number;
}

export interface CheckReport {
  files: string[];
  spells: SpellSummary[];
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** Findings that are information only (never fail a check). */
  infoCount: number;
  manifest?: string;
  elapsedMs: number;
}

export interface LoadedSpellbook {
  files: ParsedFile[];
  spells: Spell[];
  manifest?: Manifest;
  diagnostics: Diagnostic[];
}

/** Read every spell file under `paths` plus the manifest, with the file-level findings. */
export function loadSpellbook(paths: string[], manifestOption?: string | false): LoadedSpellbook {
  const collected = collectSpellFiles(paths);
  const diagnostics = [...collected.diagnostics];
  const files = collected.files.map(readSpellFile);
  const spells: Spell[] = [];
  for (const parsed of files) {
    diagnostics.push(...parsed.diagnostics);
    if (!parsed.spells.length && !parsed.diagnostics.length && isDeclaredSpellFile(parsed.file)) {
      diagnostics.push({ rule: RULES.emptyFile.id, severity: RULES.emptyFile.severity, message: MESSAGES.emptyFile(), location: { file: parsed.file, line: 1, column: 1 } });
    }
    for (const spell of parsed.spells) {
      spells.push(spell);
      diagnostics.push(...validateSpell(spell));
    }
  }
  const manifestPath = manifestOption === false ? undefined : manifestOption ?? findManifest(paths);
  const manifest = manifestPath ? loadManifest(manifestPath) : undefined;
  if (manifest) diagnostics.push(...manifest.diagnostics);
  return { files, spells, manifest, diagnostics };
}

/**
 * Files that say by their name that they hold spells (`*.spell`, `*.spell.md`,
 * `*.spell.yaml`): an empty one is a mistake. A plain Markdown file (`README.md` beside the
 * spells) may well hold none.
 */
function isDeclaredSpellFile(file: string): boolean {
  return spellFileKind(file) !== 'markdown' || /\.spell\.md$/i.test(file);
}

export class Validator {
  constructor(private readonly options: CheckOptions = {}) {}

  /**
   * Check the spellbook under `options.paths`. A caller that has already loaded it with the
   * same paths and manifest (`spell show`, `spell seal`) passes it in so nothing is read twice;
   * its diagnostics become the report's.
   */
  run(loaded?: LoadedSpellbook): CheckReport {
    const started = performance.now();
    const paths = this.options.paths?.length ? this.options.paths : [DEFAULT_SPELLBOOK_DIR];
    const book = loaded ?? loadSpellbook(paths, this.options.manifest);
    const diagnostics = book.diagnostics;
    const index = indexSpells(book.spells, diagnostics);
    diagnostics.push(...checkGraph(book.spells, index));

    const evidence: TestEvidence = {};
    if (this.options.results) evidence.results = readVitestResults(this.options.results);

    const manifest = book.manifest;
    if (manifest) {
      for (const [name, entry] of manifest.entries) {
        if (!index.spells.has(name) && this.coversWholeBook(paths, manifest)) {
          diagnostics.push({ rule: RULES.manifestUnknownSpell.id, severity: RULES.manifestUnknownSpell.severity, message: MESSAGES.manifestUnknownSpell(name), location: entry.location });
        }
      }
    }
    const sealed = new Set<string>();
    for (const spell of index.spells.values()) {
      const entry = manifest?.entries.get(spell.name);
      if (entry?.seal) sealed.add(spell.name);
      diagnostics.push(...checkSealRules(spell, entry));
      if (manifest) diagnostics.push(...checkMapping(spell, manifest, evidence));
    }
    if (manifest) diagnostics.push(...checkDrift(index, manifest));

    // Draft policy.
    if (!this.options.strict) {
      for (const d of diagnostics) {
        if (d.severity === 'error' && d.spell && !sealed.has(d.spell) && DRAFT_SOFTENED_PREFIXES.some((p) => d.rule.startsWith(p))) d.severity = 'warning';
      }
    } else {
      for (const d of diagnostics) if (STRICT_ERROR_RULES.has(d.rule)) d.severity = 'error';
    }
    diagnostics.sort((a, b) => (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : a.location.line - b.location.line || a.location.column - b.location.column));

    const spells: SpellSummary[] = [...index.spells.values()].map((spell) => {
      const entry = manifest?.entries.get(spell.name);
      return {
        name: spell.name, file: spell.location.file, line: spell.location.line, sealed: sealed.has(spell.name),
        module: entry?.modules[0], entities: spell.entities.length,
        tests: spell.sections.reduce((n, s) => n + s.items.length, 0) + spell.obligations.filter((o) => o.kind === 'prove').length,
      };
    });
    const errorCount = diagnostics.filter((d) => d.severity === 'error').length;
    const infoCount = diagnostics.filter((d) => d.severity === 'info').length;
    return {
      files: book.files.map((f) => f.file), spells, diagnostics, errorCount,
      warningCount: diagnostics.length - errorCount - infoCount, infoCount,
      manifest: manifest?.path, elapsedMs: performance.now() - started,
    };
  }

  /** Unknown manifest entries are only reported when the checked paths cover the manifest's folder. */
  private coversWholeBook(paths: string[], manifest: Manifest): boolean {
    const manifestDir = dirname(manifest.path);
    return paths.some((p) => {
      const rel = relative(resolve(p), manifestDir);
      return !rel.startsWith('..') && !isAbsolute(rel) && statSync(p, { throwIfNoEntry: false })?.isDirectory();
    });
  }
}

/** Exit status for a report (0 clean, 1 failing findings). Usage/I-O errors (2) are the CLI's. */
export function exitCodeFor(report: CheckReport, options: { strict?: boolean; maxWarnings?: number }): 0 | 1 {
  if (report.errorCount > 0) return 1;
  if (options.strict && report.warningCount > 0) return 1;
  if (options.maxWarnings !== undefined && report.warningCount > options.maxWarnings) return 1;
  return 0;
}
