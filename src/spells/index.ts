/**
 * Public API of the spellbook engine (`spellbook/spells`): parse spells in every form,
 * validate them against the schema and the seal, graph and mapping rules, seal them,
 * format them, check invocation bindings, and render reports in five formats.
 */
export type { Clauses, Contract, Dependency, Diagnostic, Entity, Item, Location, Obligation, ParsedFile, Section, Severity, Spell } from './model.js';
export { RULES, LIMITS, MESSAGES, MANIFEST_FILE, DEFAULT_SPELLBOOK_DIR, STRICT_ERROR_RULES, BOOK, type RuleInfo } from './constants.js';
export { parseSpellText, type ParseOptions, type LineInfo, type LineKind } from './parse-text.js';
export { parseSpellYaml } from './parse-yaml.js';
export { decodeSpellSource, firstInvalidUtf8Offset, type DecodedSource } from './source.js';
export { collectSpellFiles, readSpellFile, parseSpellSource, spellFileKind, type SpellFileKind } from './files.js';
export { toDocument, spellDocument, canonicalJson, type SpellDocument, type EntityDocument, type LocatedDocument } from './document.js';
export { validateSpell, validateSpellObject, SPELL_SCHEMA_PATH, MANIFEST_SCHEMA_PATH } from './schema.js';
export { findManifest, loadManifest, parseManifest, writeSeal, addManifestEntry, type Manifest, type ManifestEntry } from './manifest.js';
export { sealOf, normalizeSpell } from './seal.js';
export { Validator, loadSpellbook, exitCodeFor, type CheckOptions, type CheckReport, type SpellSummary, type LoadedSpellbook } from './validator.js';
export { indexSpells, checkGraph, type SpellIndex } from './rules/graph.js';
export { testBindings, type TestBinding } from './rules/mapping.js';
export { analyzeDependencies, declaredEdges, checkDrift, type DependencyAnalysis, type DeclaredEdge, type CodeEdge, type EdgeView, type EdgeStatus, type SpellModule } from './rules/drift.js';
export { readModuleImports, type ImportReference, type ModuleImports } from './code/index.js';
export { formatSpellSource, canonicalGlyphLine, FormatError } from './fmt.js';
export { bindInvocation, BindError, type BindResult, type BoundLine } from './bind.js';
export { renderGraph, renderCodeGraph, codeGraphEdges, type GraphFormat } from './graph-output.js';
export { formatReport, REPORT_FORMATS, type ReportFormat, type FormatOptions } from './report/index.js';
export { newSpellText, SPELL_NAME_PATTERN } from './scaffold.js';
export { readModuleExports, readTestTitles, expandGlobs, readVitestResults, clearCodeCaches, assumeFilesUnchanging, VitestResultsError, type ExportedSymbol, type ModuleExports, type TestTitle, type TestResult } from './code/index.js';
export { renderBook, bookIsCurrent, withoutResults, spellGlyphLines, type BookInput } from './book.js';
