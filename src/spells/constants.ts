/**
 * Every rule id, its default severity and its message lives here, together with the
 * thresholds the rules use: one place to read what `spell check` can say.
 */
import type { Severity } from './model.js';

export interface RuleInfo {
  id: string;
  severity: Severity;
  /** One line for SARIF `shortDescription` and the docs. */
  description: string;
}

export const RULES = {
  // File level
  fileUnreadable: { id: 'file/unreadable', severity: 'error', description: 'The file could not be read.' },
  fileEncoding: { id: 'file/encoding', severity: 'error', description: 'The file is binary or not valid UTF-8.' },
  fileTooLarge: { id: 'file/too-large', severity: 'error', description: 'The file is larger than the parser accepts.' },
  emptyFile: { id: 'file/empty', severity: 'warning', description: 'A spell file holds no spell (an error under --strict).' },
  fileYaml: { id: 'file/yaml', severity: 'error', description: 'A YAML spell file is not well-formed YAML.' },
  schemaInvalid: { id: 'schema/invalid', severity: 'error', description: 'A spell does not fit the spell JSON Schema.' },
  // Syntax
  unknownGlyph: { id: 'syntax/unknown-glyph', severity: 'error', description: 'A line starts with a character that is not a glyph.' },
  orphanLine: { id: 'syntax/orphan-line', severity: 'error', description: 'A line belongs to no spell or item.' },
  malformedContract: { id: 'syntax/malformed-contract', severity: 'error', description: 'A contract is not of the form `input -> output`.' },
  malformedObligation: { id: 'syntax/malformed-obligation', severity: 'error', description: 'A `$` obligation is not `require:`, `forbid:` or `prove: X -> test: Y`.' },
  malformedDependency: { id: 'syntax/malformed-dependency', severity: 'error', description: 'A `>` line names no spell or entity.' },
  malformedHeader: { id: 'syntax/malformed-header', severity: 'error', description: 'A spell header has no valid name.' },
  emptyEntity: { id: 'syntax/empty-entity', severity: 'error', description: 'An `@` line names no entity.' },
  // Seal rules
  intentMissing: { id: 'seal/intent-missing', severity: 'error', description: 'The spell has no `^` intent.' },
  openQuestion: { id: 'seal/open-question', severity: 'error', description: 'An open `?` question blocks sealing.' },
  noGuarantee: { id: 'seal/no-guarantee', severity: 'error', description: 'The spell states no guarantee (`!`, `$ require`, `$ prove`).' },
  noExclusion: { id: 'seal/no-exclusion', severity: 'error', description: 'The spell states no exclusion (`-`, `$ forbid`).' },
  oneThing: { id: 'seal/one-thing', severity: 'error', description: 'A spell must do exactly one thing: one intent of at most two lines, one module.' },
  draft: { id: 'seal/draft', severity: 'warning', description: 'The spell is not sealed: it is a draft.' },
  stale: { id: 'seal/stale', severity: 'error', description: 'A sealed spell was edited without being sealed again.' },
  // Graph
  unknownDependency: { id: 'graph/unknown-dependency', severity: 'error', description: 'A dependency names no known spell or entity.' },
  duplicateSpell: { id: 'graph/duplicate-spell', severity: 'error', description: 'Two spells have the same name.' },
  duplicateEntity: { id: 'graph/duplicate-entity', severity: 'error', description: 'Two spells declare the same entity.' },
  cycle: { id: 'graph/cycle', severity: 'error', description: 'Spells depend on each other in a cycle.' },
  unusedEntityReference: { id: 'graph/unused-entity-reference', severity: 'warning', description: 'A `> @Entity` dependency is never mentioned again in the spell.' },
  // Mapping to code and tests
  manifestInvalid: { id: 'map/manifest-invalid', severity: 'error', description: 'The spellbook manifest does not fit its schema.' },
  manifestUnknownSpell: { id: 'map/unknown-spell', severity: 'error', description: 'The manifest maps a spell that does not exist.' },
  noModule: { id: 'map/no-module', severity: 'error', description: 'The spell names no implementing module in the manifest.' },
  moduleMissing: { id: 'map/module-missing', severity: 'error', description: 'The mapped module does not exist.' },
  entityNotExported: { id: 'map/entity-not-exported', severity: 'error', description: 'The mapped module does not export a declared `@Entity`.' },
  contractDrift: { id: 'map/contract-drift', severity: 'warning', description: 'A contract does not match the exported signature.' },
  testMissing: { id: 'map/test-missing', severity: 'error', description: 'A bound test title is not found in the mapped test files.' },
  testFailed: { id: 'map/test-failed', severity: 'error', description: 'A bound test did not pass in the given results.' },
  testNotRun: { id: 'map/test-not-run', severity: 'error', description: 'A bound test is missing from the given results.' },
  // Dependency drift: declared `>` edges against the modules' imports
  undeclaredDependency: { id: 'drift/undeclared-dependency', severity: 'warning', description: "A module imports another spell's module, and no edge is declared between the two spells (an error under --strict)." },
  reversedDependency: { id: 'drift/reversed-dependency', severity: 'warning', description: 'A `>` edge points against the imports: the other module imports this one, not this one it (an error under --strict).' },
  edgeWithoutImport: { id: 'drift/edge-without-import', severity: 'info', description: 'A `>` edge has no import either way; the dependency may be data the caller passes.' },
} as const satisfies Record<string, RuleInfo>;

export type RuleKey = keyof typeof RULES;

/** Rules whose findings on an unsealed (draft) spell are warnings unless `--strict`. */
export const DRAFT_SOFTENED_PREFIXES = ['seal/', 'map/'] as const;

/** Rules that are warnings by default and errors under `--strict`. */
export const STRICT_ERROR_RULES: ReadonlySet<string> = new Set([RULES.emptyFile.id, RULES.undeclaredDependency.id, RULES.reversedDependency.id]);

export const LIMITS = {
  /** Largest spell file read, in bytes. 10 MB books must parse; larger is refused. */
  maxFileBytes: 32 * 1024 * 1024,
  /** Lines an intent may span. */
  maxIntentLines: 2,
  /** Edit distance under which an unknown name gets a "did you mean". */
  maxSuggestionDistance: 3,
  /** Files the import reader walks per module before it stops (bounds work on hostile trees). */
  maxModuleFiles: 5000,
};

/** File name patterns the spellbook reader picks up in a folder. */
export const SPELL_FILE_SUFFIXES = ['.spell', '.spell.md', '.md', '.spell.yaml', '.spell.yml'] as const;

export const MANIFEST_FILE = 'spellbook.yaml';

/** `spell book`: where the book goes and the commands it names. */
export const BOOK = {
  title: 'The WebRTC spellbook',
  defaultOut: 'docs/WEBRTC_SPELLBOOK.md',
  fileName: 'WEBRTC_SPELLBOOK.md',
  /** Test results embedded by default when this report exists (relative to the project root). */
  defaultResults: 'reports/vitest.json',
  regenerate: 'npx spell book',
  check: 'npx spell book --check',
} as const;
export const DEFAULT_SPELLBOOK_DIR = 'spellbook';

export const MESSAGES = {
  fileUnreadable: (reason: string) => `cannot read file: ${reason}`,
  fileBinary: (offset: number) => `file is binary (NUL byte at byte offset ${offset}); spells are UTF-8 text`,
  fileNotUtf8: (offset: number) => `file is not valid UTF-8 (first bad byte at byte offset ${offset})`,
  fileTooLarge: (bytes: number, max: number) => `file is ${bytes} bytes; the limit is ${max} bytes`,
  unknownGlyph: (glyph: string) => `unknown glyph '${glyph}'; glyphs are # ^ @ : ! ~ - > ? $`,
  orphanLine: () => `line belongs to no spell (spells start with '#Spell: Name' or '#Name')`,
  strayText: () => `text line follows no glyph line; start it with a glyph or indent it under the line it continues`,
  malformedContract: (text: string) => `contract '${text}' is not 'input -> output'`,
  malformedObligation: (text: string) => `obligation '${text}' is not '$ require: X', '$ forbid: X' or '$ prove: X -> test: Y'`,
  malformedDependency: () => `dependency names nothing; write '> SpellName', '> #SpellName' or '> @Entity'`,
  malformedHeader: (text: string) => `spell header '${text}' has no valid name`,
  emptyEntity: () => `'@' names no entity`,
  intentMissing: () => `spell has no intent ('^ Intent: ...')`,
  openQuestion: (text: string) => `open question blocks sealing: ${text}`,
  noGuarantee: () => `spell states no guarantee ('!', '$ require:' or '$ prove:')`,
  noExclusion: () => `spell states no exclusion ('-' or '$ forbid:')`,
  manyIntents: (n: number) => `spell has ${n} intents; a spell does exactly one thing`,
  longIntent: (n: number, max: number) => `intent spans ${n} lines; at most ${max}`,
  manyModules: (modules: string[]) => `spell maps to ${modules.length} modules (${modules.join(', ')}); a spell maps to exactly one`,
  draft: () => `spell is not sealed (draft); run 'spell seal <Spell>' once it is complete`,
  stale: (recorded: string, actual: string) => `sealed spell changed since it was sealed (sealed ${recorded.slice(0, 19)}, now ${actual.slice(0, 19)}); reseal it with 'spell seal'`,
  unknownDependency: (name: string, suggestion?: string) => `unknown dependency '${name}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
  unknownEntity: (name: string, suggestion?: string) => `no spell declares entity '@${name}'${suggestion ? `; did you mean '@${suggestion}'?` : ''}`,
  duplicateSpell: (name: string, first: string) => `spell '${name}' is already declared at ${first}`,
  duplicateEntity: (name: string, first: string) => `entity '@${name}' is already declared at ${first}`,
  cycle: (path: string[]) => `dependency cycle: ${path.join(' -> ')}`,
  unusedEntityReference: (name: string) => `spell depends on '@${name}' but never mentions it again`,
  manifestInvalid: (detail: string) => `manifest is invalid: ${detail}`,
  manifestUnknownSpell: (name: string, suggestion?: string) => `manifest maps '${name}', which no spell declares${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
  noModule: (manifest: string) => `spell names no module; add it under 'spells:' in ${manifest}`,
  moduleMissing: (module: string) => `module '${module}' does not exist (looked for ${module}/index.ts)`,
  entityNotExported: (entity: string, module: string) => `module '${module}' does not export '${entity}'`,
  contractDrift: (entity: string, expected: string, actual: string) => `contract of '${entity}' is '${expected}' but the export's signature is '${actual}'`,
  testMissing: (title: string, where: string) => `no test titled '${title}' in ${where}`,
  testFailed: (title: string, status: string) => `test '${title}' ${status} in the results`,
  testNotRun: (title: string) => `test '${title}' is not in the results`,
  emptyFile: () => `file holds no spell; start one with '#Spell: Name' or delete the file`,
  undeclaredDependency: (from: string, module: string, to: string, targetModule: string, count: string) =>
    `${from} (${module}) imports ${targetModule} of ${to} (${count}) but neither spell declares an edge to the other; add '> ${to}' to ${from}`,
  reversedDependency: (from: string, to: string, fromModule: string, toModule: string, where: string) =>
    `'> ${to}' says ${from} uses ${to}, but the code goes the other way: ${toModule} imports ${fromModule} (${where}) and ${fromModule} does not import ${toModule}; write '> ${from}' in ${to} instead`,
  edgeWithoutImport: (from: string, to: string, fromModule: string, toModule: string) =>
    `'> ${to}': ${fromModule} and ${toModule} import nothing from each other; fine if ${from} uses ${to} through data its caller passes, else drop the edge`,
  importCount: (total: number, typeOnly: number) =>
    `${total} import${total === 1 ? '' : 's'}${typeOnly ? `, ${typeOnly} type-only` : ''}`,
} as const;
