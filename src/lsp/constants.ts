/**
 * Thresholds, command ids and every user-facing text of the spell language server, in one
 * place. Rule ids, severities and messages of diagnostics are not here: they are the spell
 * engine's own (`RULES`/`MESSAGES` in `src/spells/constants.ts`), so the editor and
 * `spell check` say exactly the same thing.
 */

export const LIMITS = {
  /** Delay between the last edit and the check it triggers; edits arriving together coalesce. */
  debounceMs: 5,
  /**
   * Open documents larger than this are checked when opened and saved, not on every
   * keystroke: a 30 MB book takes the engine seconds to check (see docs/lsp.md).
   */
  checkOnSaveBytes: 2 * 1024 * 1024,
  /** Most items a completion or workspace-symbol answer carries. */
  maxListItems: 500,
  /**
   * How long the list of spell files and their mtimes is trusted without asking the disk
   * again; a `workspace/didChangeWatchedFiles` notification refreshes it at once.
   */
  diskTtlMs: 1000,
  /** Longest line the position helpers look at (longer lines get no hover/definition). */
  maxLineChars: 10_000,
};

/** Where the server looks by default, relative to the workspace root (as `spell check`). */
export const DEFAULTS = {
  paths: ['spellbook'],
  /** The vitest JSON report hover reads bound tests' last results from. */
  resultsFile: 'reports/vitest.json',
  /** Folder new spell files are created in by the "create the spell file" action. */
  newSpellDir: 'spellbook',
};

/** `workspace/executeCommand` ids the server handles. */
export const COMMANDS = {
  seal: 'spellbook.seal',
} as const;

/** LSP `Diagnostic.source` of every finding. */
export const DIAGNOSTIC_SOURCE = 'spell';

/** What each glyph means, for hover (docs/spell-language.md, "Grammar"). */
export const GLYPH_HELP: Readonly<Record<string, { name: string; meaning: string; insert: string }>> = {
  '#': { name: 'spell header', meaning: 'Starts a spell: `#Spell: Name` or `#Name` at column 1; `# text` is a comment.', insert: '#Spell: ' },
  '^': { name: 'intent', meaning: 'One bounded outcome the spell delivers, in at most two lines.', insert: '^ Intent: ' },
  '@': { name: 'entity', meaning: 'A thing the spell defines (`@Name`); the mapped module must export it. Glyph lines indented under it belong to it.', insert: '@' },
  ':': { name: 'contract', meaning: '`input -> output`: compared with the exported signature of the entity.', insert: ': ' },
  '!': { name: 'guarantee', meaning: 'What always holds (an invariant). A spell needs at least one to be sealed.', insert: '! Guarantee: ' },
  '~': { name: 'assumption', meaning: 'What the spell takes as given.', insert: '~ Assumption: ' },
  '-': { name: 'exclusion', meaning: 'What the spell explicitly does not do. A spell needs at least one to be sealed.', insert: '- Exclusion: ' },
  '>': { name: 'dependency', meaning: 'A spell (`> Name`, `> #Name`) or an entity (`> @Entity`) this spell depends on.', insert: '> ' },
  '?': { name: 'open question', meaning: 'An open question; it blocks sealing until answered.', insert: '? Question: ' },
  '$': { name: 'obligation', meaning: '`$ require: X`, `$ forbid: X` or `$ prove: X -> test: <exact test title>`.', insert: '$ prove: ' },
};

export const TEXT = {
  sealState: { sealed: 'sealed', draft: 'draft (not sealed)', stale: 'stale seal (edited since sealing)' },
  noModule: '(no module mapped in the manifest)',
  noTests: '(no bound tests)',
  testNoResult: 'no result',
  resultsFrom: (file: string) => `last results: ${file}`,
  actionSeal: (name: string) => `Seal spell ${name}`,
  actionCreateSpell: (name: string) => `Create the spell file for ${name}`,
  actionAddStub: (what: 'intent' | 'exclusion' | 'guarantee') => `Add ${what === 'guarantee' ? 'a' : 'an'} ${what} stub`,
  stubIntent: '^ Intent: ',
  stubGuarantee: '! Guarantee: ',
  stubExclusion: '- Exclusion: ',
  sealed: (name: string, seal: string, manifest: string) => `sealed ${name} ${seal.slice(0, 19)}… in ${manifest}`,
  sectionTestCases: '[Test Cases]',
};
