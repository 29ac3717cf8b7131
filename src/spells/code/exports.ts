/**
 * Named exports of a TypeScript module, read from source text (never imported or compiled).
 *
 * Follows `export * from`, `export * as ns from`, `export { a, b as c } from`,
 * `export type { ... } from`, `export { x }` of local declarations and of imported bindings,
 * and `export default`. Relative specifiers resolve the way NodeNext projects write them:
 * './x.js' -> './x.ts' (or './x/index.ts'). Cycles terminate; a file that cannot be found
 * becomes a problem, never an exception.
 */

import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { FileCache, filesUnchanging, isDirectory, isFile, onClearCodeCaches, STAT_TTL_MS, statFact } from './file-cache.js';
import { messages } from './messages.js';
import { absolutePath, joinPath } from './paths.js';
import { DEFAULT_LOCAL, type ImportBinding, type LocalDeclaration, type ModuleScan, type Position, scanModule } from './module-scan.js';
import type { ExportedSymbol, ModuleExports, SourceLocation, SourceProblem } from './types.js';

export type { ExportedSymbol, ExportKind, ModuleExports, SignatureText, SourceLocation, SourceProblem } from './types.js';

/** Scans of source files, shared by the export and import readers (one read per file per change). */
export const moduleScans = new FileCache<ModuleScan>((text) => scanModule(text));
const scans = moduleScans;

const INDEX_NAMES = ['index.ts', 'index.tsx', 'index.mts', 'index.d.ts'];

/**
 * `resolve(dirname(fromFile), specifier)` for an absolute, normalized `fromFile` (every file
 * this module reads is one) and the usual `./x` and `../x` specifiers, without path.resolve's
 * string building: a check of thousands of modules resolved tens of thousands of specifiers.
 * Anything unusual (`.`/`..` inside, `//`, a trailing slash, backslashes, Windows) goes
 * through path.resolve.
 */
export function resolveRelative(fromFile: string, specifier: string): string {
  if (sep !== '/' || !fromFile.startsWith('/') || specifier.startsWith('/') || specifier.includes('\\')) return resolve(dirname(fromFile), specifier);
  let dir = fromFile.slice(0, fromFile.lastIndexOf('/'));
  let i = 0;
  for (;;) {
    if (specifier.startsWith('./', i)) i += 2;
    else if (specifier.startsWith('../', i)) {
      dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
      i += 3;
    } else break;
  }
  const rest = i ? specifier.slice(i) : specifier;
  if (rest === '' || rest === '.' || rest === '..' || rest.startsWith('/') || rest.endsWith('/') || rest.endsWith('/.') || rest.endsWith('/..') || rest.includes('//') || rest.includes('/./') || rest.includes('/../') || rest.startsWith('./') || rest.startsWith('../')) {
    return resolve(dirname(fromFile), specifier);
  }
  return `${dir}/${rest}`;
}

const TS_EXTENSIONS: Record<string, readonly string[]> = { '.js': ['.ts', '.tsx', '.d.ts'], '.jsx': ['.tsx'], '.mjs': ['.mts', '.d.mts'], '.cjs': ['.cts', '.d.cts'] };
const BARE_EXTENSIONS = ['', '.ts', '.tsx', '.d.ts'];

/** The first of `base` + each suffix that is a file. */
function firstFile(base: string, suffixes: readonly string[]): string | undefined {
  for (const suffix of suffixes) {
    const path = base + suffix;
    if (isFile(path)) return path;
  }
  return undefined;
}

/** `dir/index.ts` (or .tsx, .mts, .d.ts) when it exists, for an absolute normalized `dir`. */
export function indexFileOf(dir: string): string | undefined {
  for (const name of INDEX_NAMES) {
    const path = dir.endsWith(sep) ? dir + name : dir + sep + name;
    if (isFile(path)) return path;
  }
  return undefined;
}

/**
 * The file a relative specifier names, 'package' for a bare specifier, or undefined when
 * no candidate file exists. Candidates in order: for `x.js` the TypeScript sources `x.ts`,
 * `x.tsx`, `x.d.ts` (likewise for .jsx, .mjs, .cjs), then `x.js` itself, then `x/index.ts`;
 * without an extension `x`, `x.ts`, `x.tsx`, `x.d.ts`, then `x/index.ts`.
 */
export function resolveSpecifier(fromFile: string, specifier: string): string | 'package' | undefined {
  if (!specifier.startsWith('.') && !isAbsolute(specifier)) return 'package';
  const base = resolveRelative(fromFile, specifier);
  const dot = base.lastIndexOf('.');
  const tsExt = dot > base.lastIndexOf('/') ? TS_EXTENSIONS[base.slice(dot)] : undefined;
  if (tsExt) {
    const stem = base.slice(0, dot);
    return firstFile(stem, tsExt) ?? (isFile(base) ? base : undefined) ?? indexFileOf(stem);
  }
  return firstFile(base, BARE_EXTENSIONS) ?? indexFileOf(base);
}

interface Context {
  done: Map<string, Map<string, ExportedSymbol>>;
  inProgress: Map<string, Map<string, ExportedSymbol>>;
  problems: SourceProblem[];
  reported: Set<string>;
  /**
   * Every specifier resolution made (by `from\0specifier`), to tell later whether a cached
   * result still holds; not kept when files are unchanging.
   */
  resolutions?: Map<string, { from: string; specifier: string; resolved: string | undefined }>;
  /** Every file read, with the stat it was read at (likewise). */
  files?: Map<string, { mtimeMs: number; size: number }>;
}

function loc(file: string, at: Position): SourceLocation {
  return { file, line: at.line, column: at.column };
}

function symbolOf(file: string, name: string, decl: LocalDeclaration): ExportedSymbol {
  const s: ExportedSymbol = { name, kind: decl.kind, location: loc(file, decl.at) };
  if (decl.signature) s.signature = decl.signature;
  if (decl.overloads) s.overloads = decl.overloads;
  if (decl.members) s.members = decl.members;
  return s;
}

function renamed(symbol: ExportedSymbol, name: string): ExportedSymbol {
  return symbol.name === name ? symbol : { ...symbol, name };
}

function problem(ctx: Context, message: string, location: SourceLocation): void {
  const key = `${location.file}:${location.line}:${location.column}:${message}`;
  if (ctx.reported.has(key)) return;
  ctx.reported.add(key);
  ctx.problems.push({ message, location });
}

/** The module a specifier names, as its export map; undefined (with a problem) when missing. */
function target(ctx: Context, file: string, specifier: string, at: Position): { file: string; symbols: Map<string, ExportedSymbol> } | 'package' | undefined {
  const resolved = resolveSpecifier(file, specifier);
  if (resolved === 'package') return 'package';
  ctx.resolutions?.set(`${file}\0${specifier}`, { from: file, specifier, resolved });
  if (resolved === undefined) {
    problem(ctx, messages.missingModule(specifier), loc(file, at));
    return undefined;
  }
  return { file: resolved, symbols: exportsOf(ctx, resolved) };
}

/** The symbol an import binding refers to, exported under `name`. */
function imported(ctx: Context, file: string, binding: ImportBinding, name: string): ExportedSymbol | undefined {
  const t = target(ctx, file, binding.specifier, binding.at);
  if (t === undefined) return undefined;
  if (t === 'package' || binding.imported === '*') {
    return { name, kind: binding.imported === '*' ? 'namespace' : 'const', location: loc(file, binding.at) };
  }
  const s = t.symbols.get(binding.imported);
  if (!s) {
    problem(ctx, messages.missingExport(binding.imported, binding.specifier), loc(file, binding.at));
    return undefined;
  }
  return renamed(s, name);
}

function exportsOf(ctx: Context, file: string): Map<string, ExportedSymbol> {
  const done = ctx.done.get(file);
  if (done) return done;
  const partial = ctx.inProgress.get(file);
  if (partial) return partial; // a cycle: what is known so far
  const symbols = new Map<string, ExportedSymbol>();
  if (ctx.files) {
    const fact = statFact(file);
    ctx.files.set(file, { mtimeMs: fact.mtimeMs, size: fact.size });
  }
  const scan = scans.get(file);
  if (!scan) return symbols;
  ctx.inProgress.set(file, symbols);
  for (const p of scan.problems) problem(ctx, p.message, loc(file, p.at));

  // Own declarations first, so that a cycle through `export *` still sees them.
  for (const e of scan.exports) {
    if (e.type !== 'local') continue;
    const decl = scan.locals.get(e.local);
    if (decl) symbols.set(e.exported, symbolOf(file, e.exported, decl));
  }
  for (const e of scan.exports) {
    if (e.type === 'local') {
      if (symbols.has(e.exported)) continue;
      if (scan.locals.has(e.local)) continue;
      const binding = scan.imports.get(e.local);
      if (!binding) {
        problem(ctx, messages.missingLocal(e.local === DEFAULT_LOCAL ? 'default' : e.local), loc(file, e.at));
        continue;
      }
      const s = imported(ctx, file, binding, e.exported);
      if (s) symbols.set(e.exported, s);
    } else if (e.type === 'from') {
      const s = imported(ctx, file, { specifier: e.specifier, imported: e.imported, at: e.at }, e.exported);
      if (s) symbols.set(e.exported, s);
    } else if (e.type === 'star-as') {
      const t = target(ctx, file, e.specifier, e.at);
      if (t !== undefined) symbols.set(e.exported, { name: e.exported, kind: 'namespace', location: loc(file, e.at) });
    }
  }
  for (const e of scan.exports) {
    if (e.type !== 'star') continue;
    const t = target(ctx, file, e.specifier, e.at);
    if (t === 'package') {
      problem(ctx, messages.packageStar(e.specifier), loc(file, e.at));
      continue;
    }
    if (t === undefined) continue;
    for (const [name, s] of t.symbols) {
      if (name !== 'default' && !symbols.has(name)) symbols.set(name, s);
    }
  }
  ctx.inProgress.delete(file);
  ctx.done.set(file, symbols);
  return symbols;
}

interface Memo {
  checkedAt: number;
  result: ModuleExports;
  files: NonNullable<Context['files']>;
  resolutions: NonNullable<Context['resolutions']>;
}

const memo = new Map<string, Memo>();
/** What a memo records when files are unchanging: nothing (it is never re-validated). */
const NOTHING_RECORDED = { files: new Map(), resolutions: new Map() } as const;
onClearCodeCaches(() => memo.clear());

function stillValid(m: Memo): boolean {
  for (const [file, was] of m.files) {
    const now = statFact(file);
    if (now.mtimeMs !== was.mtimeMs || now.size !== was.size) return false;
  }
  for (const r of m.resolutions.values()) if (resolveSpecifier(r.from, r.specifier) !== r.resolved) return false;
  return true;
}

/**
 * Read the named exports of a module folder's index.ts (or a file), following re-exports.
 * Missing files become `problems`, not exceptions; cycles terminate. Results are cached
 * while none of the files read (nor any resolution made) changes; the returned object is
 * shared with the cache: do not modify it.
 */
export function readModuleExports(entryFileOrDir: string): ModuleExports {
  const absolute = absolutePath(entryFileOrDir);
  let entry = absolute;
  if (isDirectory(absolute)) entry = indexFileOf(absolute) ?? joinPath(absolute, 'index.ts');
  if (!isFile(entry)) {
    const problems = [{ message: messages.missingEntry(entry), location: { file: entry, line: 1, column: 1 } }];
    return { entry, symbols: new Map(), problems };
  }
  const hit = memo.get(entry);
  if (filesUnchanging()) {
    if (hit) return hit.result;
    const ctx: Context = { done: new Map(), inProgress: new Map(), problems: [], reported: new Set() };
    const result = { entry, symbols: exportsOf(ctx, entry), problems: ctx.problems };
    memo.set(entry, { checkedAt: 0, result, files: NOTHING_RECORDED.files, resolutions: NOTHING_RECORDED.resolutions });
    return result;
  }
  const now = performance.now();
  if (hit && (now - hit.checkedAt < STAT_TTL_MS || stillValid(hit))) {
    hit.checkedAt = now;
    return hit.result;
  }
  const ctx: Context = { done: new Map(), inProgress: new Map(), problems: [], reported: new Set(), resolutions: new Map(), files: new Map() };
  const symbols = exportsOf(ctx, entry);
  const result = { entry, symbols, problems: ctx.problems };
  memo.set(entry, { checkedAt: now, result, files: ctx.files!, resolutions: ctx.resolutions! });
  return result;
}
