/**
 * Source readers for the `spell check` validator: a module's exports (with signatures),
 * the titles of its tests, vitest JSON reports, and contract-versus-signature drift. All
 * read TypeScript as text; nothing is imported, compiled or run.
 */

export type { ExportedSymbol, ExportKind, ModuleExports, SignatureText, SourceLocation, SourceProblem } from './types.js';
export { readModuleExports, resolveSpecifier } from './exports.js';
export { type TestTitle, readTestTitles, expandGlobs } from './tests.js';
export { type TestResult, VitestResultsError, readVitestResults, parseVitestResults } from './vitest-results.js';
export { contractFits, requiredTypeNames } from './signature.js';
export { assumeFilesUnchanging, clearCodeCaches, STAT_TTL_MS } from './file-cache.js';
export { type Token, type TokenKind, type TokenizedSource, tokenize, tokenText } from './tokenizer.js';
export { type ImportReference, type ModuleImports, type ReadImportsOptions, type ReferenceKind, moduleEntry, readModuleImports } from './imports.js';
