/**
 * Public API of the spell language server (`spellbook/lsp`): the spell engine behind the
 * Language Server Protocol. `runStdioServer()` is what `spell lsp --stdio` runs;
 * `startSpellServer()` wires the features to any connection; `SpellWorkspace` and the
 * feature functions are the same code without a connection (tests, fuzzing, embedding).
 */
export { SpellWorkspace, isSpellPath, isManifestPath, type WorkspaceOptions, type Analysis, type FileState } from './workspace.js';
export { startSpellServer, runStdioServer, type SpellServerOptions, type SpellServerSettings } from './server.js';
export {
  hover, definition, references, prepareRename, rename, completion, documentSymbols, workspaceSymbols, formatting, codeActions,
  toLspDiagnostics, resolveTarget, sealState, docView, uriOf, type DocView, type SealState,
} from './features.js';
export { sealSpell, sealBlockers } from './seal.js';
export { LspError, type LspErrorCode } from './errors.js';
export { LIMITS, COMMANDS, GLYPH_HELP, DIAGNOSTIC_SOURCE } from './constants.js';
