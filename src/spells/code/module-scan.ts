/**
 * Reads the top-level statements of one TypeScript file from its tokens: local
 * declarations (with function and class signatures), imports, and export entries.
 * Following exports across files is done by `exports.ts`.
 */

import { type Token, tokenize, tokenText } from './tokenizer.js';
import type { ExportKind, SignatureText } from './types.js';

export interface Position {
  line: number;
  column: number;
}

export interface LocalDeclaration {
  name: string;
  kind: ExportKind;
  at: Position;
  signature?: SignatureText;
  overloads?: SignatureText[];
  members?: Record<string, SignatureText>;
}

export interface ImportBinding {
  specifier: string;
  /** Imported name, 'default', or '*' for a namespace import. */
  imported: string;
  at: Position;
}

export type ExportEntry =
  | { type: 'local'; exported: string; local: string; at: Position }
  | { type: 'from'; exported: string; imported: string; specifier: string; at: Position }
  | { type: 'star'; specifier: string; at: Position }
  | { type: 'star-as'; exported: string; specifier: string; at: Position };

/** How a file names another module. */
export type ReferenceKind = 'import' | 'side-effect' | 'reexport' | 'dynamic' | 'require';

/**
 * One place where a file names another module: a static `import`, a side-effect import, an
 * `export ... from` re-export, `import x = require('y')`, or a dynamic `import('y')` with a
 * literal specifier. `typeOnly` marks references erased at compile time (`import type`,
 * `import { type A }` with every binding a type, `export type ... from`, and `import('y')`
 * used as a type).
 */
export interface ModuleReference {
  specifier: string;
  kind: ReferenceKind;
  typeOnly: boolean;
  at: Position;
}

export interface ModuleScan {
  locals: Map<string, LocalDeclaration>;
  imports: Map<string, ImportBinding>;
  exports: ExportEntry[];
  /** Every reference to another module, in source order. */
  references: ModuleReference[];
  problems: { message: string; at: Position }[];
}

/** Local name under which an anonymous `export default` is recorded. */
export const DEFAULT_LOCAL = '*default*';

/** Identifiers that, ending a line, do not end a statement (the statement continues). */
const CONTINUES = new Set([
  'export', 'default', 'declare', 'async', 'abstract', 'const', 'let', 'var', 'function', 'class',
  'interface', 'type', 'enum', 'namespace', 'module', 'import', 'new', 'typeof', 'keyof', 'extends',
  'implements', 'as', 'satisfies', 'in', 'of', 'instanceof', 'is', 'readonly', 'static', 'public',
  'private', 'protected', 'override', 'accessor', 'yield', 'await', 'unique', 'infer', 'asserts', 'from',
]);

/** Identifiers that, starting a line, continue the previous statement. */
const CONTINUATION_START = new Set(['as', 'satisfies', 'instanceof', 'in', 'of', 'extends', 'implements', 'keyof', 'is', 'from']);

const DECLARATION_START = new Set([
  'export', 'import', 'function', 'class', 'const', 'let', 'var', 'interface', 'type', 'enum',
  'declare', 'namespace', 'module', 'abstract', 'async',
]);

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

const MEMBER_MODIFIERS = new Set([
  'public', 'private', 'protected', 'static', 'readonly', 'abstract', 'override', 'declare', 'async', 'accessor', 'get', 'set',
]);

function endsValue(t: Token): boolean {
  switch (t.kind) {
    case 'ident':
      return !CONTINUES.has(t.text);
    case 'punct':
      return t.text === ')' || t.text === ']' || t.text === '}' || t.text === '>';
    default:
      return true;
  }
}

function startsStatement(t: Token): boolean {
  if (t.kind === 'ident') return !CONTINUATION_START.has(t.text);
  if (t.kind === 'punct') return t.text === '@' || t.text === '*';
  return t.kind !== 'template';
}

/** Scan one file's source text. */
export function scanModule(src: string): ModuleScan {
  const { tokens, match, problems: tokenProblems } = tokenize(src);
  const scan: ModuleScan = {
    locals: new Map(),
    imports: new Map(),
    exports: [],
    references: [],
    problems: tokenProblems.map((p) => ({ message: p.message, at: { line: p.line, column: p.column } })),
  };
  const at = (i: number): Position => {
    const t = tokens[Math.min(i, tokens.length - 1)];
    return t ? { line: t.line, column: t.column } : { line: 1, column: 1 };
  };
  const is = (i: number, text: string, end: number): boolean => i < end && tokens[i].text === text && tokens[i].kind !== 'string';
  const isIdent = (i: number, end: number): boolean => i < end && tokens[i].kind === 'ident';

  /** Split [from, to) at `depth` into statements (or class members when `members`). */
  const splitStatements = (from: number, to: number, depth: number, members: boolean): [number, number][] => {
    const out: [number, number][] = [];
    let s = from;
    for (let i = from; i < to; i++) {
      const t = tokens[i];
      if (t.depth !== depth) continue;
      if (t.kind === 'punct' && t.text === ';') {
        if (i > s) out.push([s, i]);
        s = i + 1;
        continue;
      }
      if (i === s) continue;
      const p = tokens[i - 1];
      const afterBlock = p.kind === 'punct' && p.text === '}' && (members ? startsStatement(t) : t.kind === 'ident' && DECLARATION_START.has(t.text));
      if (afterBlock || (t.newlineBefore && endsValue(p) && startsStatement(t))) {
        out.push([s, i]);
        s = i;
      }
    }
    if (s < to) out.push([s, to]);
    return out;
  };

  /** Index after a balanced `<...>` starting at `i` (same depth), or `i` when none. */
  const skipAngles = (i: number, end: number): number => {
    if (!is(i, '<', end)) return i;
    const depth = tokens[i].depth;
    let n = 0;
    for (let k = i; k < end; k++) {
      const t = tokens[k];
      if (t.depth !== depth || t.kind !== 'punct') continue;
      if (t.text === '<') n++;
      else if (t.text === '>' && --n === 0) return k + 1;
    }
    return end;
  };

  /** Index after any decorators (`@a.b(...)`) starting at `i`. */
  const skipDecorators = (i: number, end: number): number => {
    while (is(i, '@', end)) {
      i++;
      while (isIdent(i, end) && is(i + 1, '.', end)) i += 2;
      if (isIdent(i, end)) i++;
      if (is(i, '(', end) && match[i] > 0) i = match[i] + 1;
    }
    return i;
  };

  /**
   * For a header whose parameter list closes at `close`, find the start of a `{ body }` that
   * ends the range [close + 1, end), or `end` when there is none (an overload or declaration).
   */
  const bodyStart = (close: number, end: number): number => {
    const last = end - 1;
    if (last <= close || tokens[last].text !== '}' || tokens[last].kind !== 'punct') return end;
    const open = match[last];
    if (open <= close) return end;
    if (open === close + 1) return open; // no return type: `f() { ... }`
    return endsValue(tokens[open - 1]) ? open : end;
  };

  /** Signature of a parameter list `(` at `open`, with an optional `: type` up to `stop`. */
  const signatureAt = (open: number, stop: number): { sig: SignatureText; close: number } | undefined => {
    if (!is(open, '(', stop)) return undefined;
    const close = match[open];
    if (close < 0 || close >= stop) return undefined;
    const params = tokenText(tokens, open + 1, close);
    const returns = is(close + 1, ':', stop) ? tokenText(tokens, close + 2, stop) : '';
    return { sig: { params, returns }, close };
  };

  /** A function or arrow function expression in [i, end): its signature, if it is one. */
  const functionExpression = (i: number, end: number): SignatureText | undefined => {
    if (is(i, 'async', end) && i + 1 < end && !is(i + 1, '=>', end)) i++;
    if (is(i, 'function', end)) {
      i++;
      if (is(i, '*', end)) i++;
      if (isIdent(i, end)) i++;
      i = skipAngles(i, end);
      if (!is(i, '(', end) || match[i] < 0) return undefined;
      return signatureAt(i, bodyStart(match[i], end))?.sig;
    }
    if (isIdent(i, end) && is(i + 1, '=>', end)) return { params: tokens[i].text, returns: '' };
    i = skipAngles(i, end);
    if (!is(i, '(', end)) return undefined;
    const close = match[i];
    if (close < 0 || close >= end) return undefined;
    const depth = tokens[i].depth;
    let arrow = -1;
    if (is(close + 1, '=>', end)) arrow = close + 1;
    else if (is(close + 1, ':', end)) {
      for (let k = close + 2; k < end; k++) {
        if (tokens[k].depth === depth && tokens[k].text === '=>' && tokens[k].kind === 'punct') {
          arrow = k;
          break;
        }
      }
    }
    if (arrow < 0) return undefined;
    return signatureAt(i, arrow)?.sig;
  };

  /** A function type `(params) => R` (optionally generic) in [i, end). */
  const functionType = (i: number, end: number): SignatureText | undefined => {
    i = skipAngles(i, end);
    if (!is(i, '(', end)) return undefined;
    const close = match[i];
    if (close < 0 || !is(close + 1, '=>', end)) return undefined;
    return { params: tokenText(tokens, i + 1, close), returns: tokenText(tokens, close + 2, end) };
  };

  /** Function declarations written without a body (overload signatures, `declare function`). */
  const bodiless = new WeakSet<LocalDeclaration>();
  /** Functions whose recorded signature so far is an implementation, not an overload. */
  const implementationOnly = new Set<string>();

  const addLocal = (decl: LocalDeclaration): void => {
    const existing = scan.locals.get(decl.name);
    if (existing && existing.kind === 'function' && decl.kind === 'function') {
      // Overloads: the bodyless signatures are the public ones; the implementation is not.
      if (!bodiless.has(decl) || !decl.signature) return;
      if (implementationOnly.delete(decl.name)) existing.overloads = [decl.signature];
      else existing.overloads = [...(existing.overloads ?? []), decl.signature];
      existing.signature = existing.overloads[0];
      return;
    }
    if (existing && (existing.kind === 'type' || existing.kind === 'interface') && decl.kind !== 'type' && decl.kind !== 'interface') {
      scan.locals.set(decl.name, decl);
      return;
    }
    if (existing) return;
    if (decl.kind === 'function' && decl.signature) {
      if (bodiless.has(decl)) decl.overloads = [decl.signature];
      else implementationOnly.add(decl.name);
    }
    scan.locals.set(decl.name, decl);
  };

  const classMembers = (open: number): Record<string, SignatureText> => {
    const members: Record<string, SignatureText> = {};
    const close = match[open];
    if (close < 0) return members;
    for (const [s, e] of splitStatements(open + 1, close, tokens[open].depth + 1, true)) {
      let i = skipDecorators(s, e);
      let hidden = false;
      let accessor = '';
      while (i + 1 < e && tokens[i].kind === 'ident' && MEMBER_MODIFIERS.has(tokens[i].text)) {
        const n = tokens[i + 1].text;
        if (n === '(' || n === '<' || n === '?' || n === '!' || n === ':' || n === '=' || n === ';') break;
        if (tokens[i].text === 'private' || tokens[i].text === 'protected') hidden = true;
        if (tokens[i].text === 'get' || tokens[i].text === 'set') accessor = tokens[i].text;
        i++;
      }
      if (is(i, '*', e)) i++;
      if (i >= e) continue;
      const nameToken = tokens[i];
      let name: string;
      if (nameToken.kind === 'ident' || nameToken.kind === 'number') name = nameToken.text;
      else if (nameToken.kind === 'string') name = nameToken.value ?? '';
      else continue; // #private, [computed], index signature
      if (hidden || accessor === 'set') continue;
      i++;
      if (is(i, '?', e) || is(i, '!', e)) i++;
      i = skipAngles(i, e);
      let sig: SignatureText | undefined;
      if (is(i, '(', e) && match[i] > 0) sig = signatureAt(i, bodyStart(match[i], e))?.sig;
      else if (is(i, '=', e)) sig = functionExpression(i + 1, e);
      else if (is(i, ':', e)) {
        let eq = e;
        for (let k = i + 1; k < e; k++) if (tokens[k].depth === nameToken.depth && tokens[k].text === '=' && tokens[k].kind === 'punct') { eq = k; break; }
        sig = functionType(i + 1, eq);
      }
      if (sig && !Object.hasOwn(members, name)) members[name] = sig;
    }
    return members;
  };

  /**
   * A declaration starting at `i` (after `export` / `export default`, or a plain statement).
   * `anonymous` names a declaration without a name (for `export default function () {}`).
   */
  const declaration = (i: number, end: number, anonymous?: string): LocalDeclaration[] => {
    if (is(i, 'declare', end)) i++;
    if (is(i, 'async', end) && is(i + 1, 'function', end)) i++;
    if (is(i, 'abstract', end) && is(i + 1, 'class', end)) i++;
    const head = tokens[i];
    if (!head || head.kind !== 'ident') return [];
    const named = (k: number, kind: ExportKind, extra?: Partial<LocalDeclaration>): LocalDeclaration[] => {
      if (isIdent(k, end)) return [{ name: tokens[k].text, kind, at: at(k), ...extra }];
      if (anonymous) return [{ name: anonymous, kind, at: at(i), ...extra }];
      return [];
    };
    switch (head.text) {
      case 'function': {
        let k = i + 1;
        if (is(k, '*', end)) k++;
        const nameIndex = k;
        if (isIdent(k, end)) k++;
        k = skipAngles(k, end);
        if (!is(k, '(', end) || match[k] < 0) return named(nameIndex, 'function');
        const stop = bodyStart(match[k], end);
        const decls = named(nameIndex, 'function', { signature: signatureAt(k, stop)?.sig });
        if (stop === end) for (const d of decls) bodiless.add(d);
        return decls;
      }
      case 'class': {
        const nameIndex = i + 1;
        let k = isIdent(nameIndex, end) && tokens[nameIndex].text !== 'extends' && tokens[nameIndex].text !== 'implements' ? i + 2 : i + 1;
        for (; k < end; k++) {
          if (tokens[k].depth !== head.depth) continue;
          if (tokens[k].text === '<') k = skipAngles(k, end) - 1;
          else if (tokens[k].text === '{' && tokens[k].kind === 'punct') break;
        }
        const members = k < end ? classMembers(k) : {};
        if (tokens[nameIndex]?.text === 'extends' || tokens[nameIndex]?.text === 'implements') return named(end, 'class', { members });
        return named(nameIndex, 'class', { members });
      }
      case 'interface':
        return named(i + 1, 'interface');
      case 'enum':
        return named(i + 1, 'enum');
      case 'type':
        if (isIdent(i + 1, end) && (is(i + 2, '=', end) || is(i + 2, '<', end))) return named(i + 1, 'type');
        return [];
      case 'namespace':
      case 'module':
        if (isIdent(i + 1, end)) return named(i + 1, 'namespace');
        return [];
      case 'const':
      case 'let':
      case 'var':
        if (is(i + 1, 'enum', end)) return named(i + 2, 'enum');
        return variables(i + 1, end, head.text);
      default:
        return [];
    }
  };

  /** Binding names of a destructuring pattern opened at `open`. */
  const patternNames = (open: number, out: number[]): void => {
    const close = match[open];
    if (close < 0) return;
    const depth = tokens[open].depth + 1;
    const object = tokens[open].text === '{';
    for (let k = open + 1; k < close; k++) {
      const t = tokens[k];
      if (t.depth !== depth) continue;
      if ((t.text === '{' || t.text === '[') && t.kind === 'punct') {
        patternNames(k, out);
        k = match[k] > 0 ? match[k] : k;
        continue;
      }
      if (t.kind !== 'ident') continue;
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      const atStart = k === open + 1 || prev.text === ',' || prev.text === '...' || (object && prev.text === ':');
      if (!atStart) continue;
      if (object && next && next.text === ':' && prev.text !== ':') continue; // a property key
      out.push(k);
    }
  };

  const variables = (i: number, end: number, kind: 'const' | 'let' | 'var'): LocalDeclaration[] => {
    const out: LocalDeclaration[] = [];
    const depth = tokens[i]?.depth ?? 0;
    while (i < end) {
      const nameIndexes: number[] = [];
      if (isIdent(i, end)) {
        nameIndexes.push(i);
        i++;
      } else if ((is(i, '{', end) || is(i, '[', end)) && match[i] > 0) {
        patternNames(i, nameIndexes);
        i = match[i] + 1;
      } else break;
      if (is(i, '!', end)) i++;
      // The declarator ends at a `,` that starts another `name =` / `name:` declarator.
      let next = end;
      let angles = 0;
      for (let k = i; k < end; k++) {
        const t = tokens[k];
        if (t.depth !== depth || t.kind !== 'punct') continue;
        if (t.text === '<') angles++;
        else if (t.text === '>' && angles > 0) angles--;
        else if (t.text === ',' && angles === 0 && isIdent(k + 1, end) && (is(k + 2, '=', end) || is(k + 2, ':', end))) {
          next = k;
          break;
        }
      }
      let typeEnd = next;
      let initStart = -1;
      for (let k = i; k < next; k++) {
        const t = tokens[k];
        if (t.depth === depth && t.kind === 'punct' && t.text === '=') {
          typeEnd = k;
          initStart = k + 1;
          break;
        }
      }
      // A function type annotation states the contract; else read the initializer.
      let signature = is(i, ':', next) ? functionType(i + 1, typeEnd) : undefined;
      if (!signature && initStart > 0) signature = functionExpression(initStart, next);
      for (const n of nameIndexes) {
        out.push({ name: tokens[n].text, kind, at: at(n), ...(signature && nameIndexes.length === 1 ? { signature } : {}) });
      }
      i = next + 1;
    }
    return out;
  };

  /** Specifiers of `{ a, b as c, type d }` opened at `open`: [name, alias, index]. */
  const specifiers = (open: number): { name: string; alias: string; index: number }[] => {
    const out: { name: string; alias: string; index: number }[] = [];
    const close = match[open];
    if (close < 0) return out;
    let s = open + 1;
    const nameOf = (t: Token): string => (t.kind === 'string' ? (t.value ?? '') : t.text);
    for (let k = open + 1; k <= close; k++) {
      if (k < close && !(tokens[k].text === ',' && tokens[k].kind === 'punct')) continue;
      let a = s;
      const n = k - s;
      if (n >= 2 && tokens[a].text === 'type' && tokens[a].kind === 'ident' && (n === 2 || n === 4)) a++;
      const m = k - a;
      if (m === 1) out.push({ name: nameOf(tokens[a]), alias: nameOf(tokens[a]), index: a });
      else if (m === 3 && tokens[a + 1].text === 'as') out.push({ name: nameOf(tokens[a]), alias: nameOf(tokens[a + 2]), index: a });
      else if (m > 0) scan.problems.push({ message: `cannot read export specifier '${tokenText(tokens, s, k)}'`, at: at(s) });
      s = k + 1;
    }
    return out;
  };

  const fromClause = (i: number, end: number): string | undefined =>
    is(i, 'from', end) && i + 1 < end && tokens[i + 1].kind === 'string' ? tokens[i + 1].value : undefined;

  /** True when every specifier of `{ ... }` opened at `open` is marked `type` (and there is at least one). */
  const allTypeSpecifiers = (open: number): boolean => {
    const close = match[open];
    if (close < 0 || close === open + 1) return false;
    let first = true;
    for (let k = open + 1; k < close; k++) {
      if (first) {
        if (!(tokens[k].kind === 'ident' && tokens[k].text === 'type' && k + 1 < close && tokens[k + 1].text !== ',' && tokens[k + 1].text !== 'as')) return false;
        first = false;
      }
      if (tokens[k].text === ',' && tokens[k].kind === 'punct') first = true;
    }
    return true;
  };

  const reference = (specifier: string | undefined, kind: ReferenceKind, typeOnly: boolean, index: number): void => {
    if (specifier !== undefined) scan.references.push({ specifier, kind, typeOnly, at: at(index) });
  };

  const importStatement = (s: number, end: number): void => {
    let i = s + 1;
    if (is(i, '(', end) || is(i, '.', end)) return; // import(...) / import.meta: the dynamic pass reads them
    if (i < end && tokens[i].kind === 'string') {
      reference(tokens[i].value, 'side-effect', false, i);
      return;
    }
    let typeOnly = false;
    if (is(i, 'type', end) && !is(i + 1, 'from', end) && !is(i + 1, ',', end) && !is(i + 1, '=', end)) {
      i++;
      typeOnly = true;
    }
    const found: { local: string; imported: string; index: number }[] = [];
    let valueBinding = false;
    if (isIdent(i, end) && !is(i, 'from', end)) {
      if (is(i + 1, '=', end)) {
        // import x = require('y')
        if (is(i + 2, 'require', end) && is(i + 3, '(', end) && i + 4 < end && tokens[i + 4].kind === 'string') reference(tokens[i + 4].value, 'require', typeOnly, i + 4);
        return;
      }
      found.push({ local: tokens[i].text, imported: 'default', index: i });
      valueBinding = true;
      i++;
      if (is(i, ',', end)) i++;
    }
    if (is(i, '*', end) && is(i + 1, 'as', end) && isIdent(i + 2, end)) {
      found.push({ local: tokens[i + 2].text, imported: '*', index: i + 2 });
      valueBinding = true;
      i += 3;
    } else if (is(i, '{', end) && match[i] > 0) {
      if (!allTypeSpecifiers(i)) valueBinding = true;
      for (const sp of specifiers(i)) found.push({ local: sp.alias, imported: sp.name, index: sp.index });
      i = match[i] + 1;
    }
    const specifier = fromClause(i, end);
    if (specifier === undefined) {
      scan.problems.push({ message: 'cannot read import statement', at: at(s) });
      return;
    }
    reference(specifier, 'import', typeOnly || !valueBinding, i + 1);
    for (const f of found) scan.imports.set(f.local, { specifier, imported: f.imported, at: at(f.index) });
  };

  /** Names already exported from a declaration here (overloads repeat the same name). */
  const exportedLocals = new Set<string>();

  const exportStatement = (s: number, end: number): void => {
    let i = s + 1;
    const exportLocal = (decls: LocalDeclaration[], exportedAs?: string): void => {
      for (const d of decls) {
        addLocal(d);
        const exported = exportedAs ?? d.name;
        if (!exportedLocals.has(exported)) {
          exportedLocals.add(exported);
          scan.exports.push({ type: 'local', exported, local: d.name, at: d.at });
        }
      }
    };
    if (is(i, 'default', end)) {
      i++;
      let k = i;
      if (is(k, 'async', end) && is(k + 1, 'function', end)) k++;
      if (is(k, 'abstract', end) && is(k + 1, 'class', end)) k++;
      if (is(k, 'function', end) || is(k, 'class', end) || is(k, 'interface', end)) {
        exportLocal(declaration(i, end, DEFAULT_LOCAL), 'default');
      } else if (i === end - 1 && tokens[i].kind === 'ident') {
        scan.exports.push({ type: 'local', exported: 'default', local: tokens[i].text, at: at(i) });
      } else {
        const signature = functionExpression(i, end);
        exportLocal([{ name: DEFAULT_LOCAL, kind: 'const', at: at(s + 1), ...(signature ? { signature } : {}) }], 'default');
      }
      return;
    }
    let typeExport = false;
    if (is(i, 'type', end) && is(i + 1, '*', end)) { i++; typeExport = true; } // export type * [as ns] from
    if (is(i, '*', end)) {
      if (is(i + 1, 'as', end) && i + 2 < end) {
        const t = tokens[i + 2];
        const specifier = fromClause(i + 3, end);
        if (specifier !== undefined) {
          scan.exports.push({ type: 'star-as', exported: t.kind === 'string' ? (t.value ?? '') : t.text, specifier, at: at(i + 2) });
          reference(specifier, 'reexport', typeExport, i + 4);
          return;
        }
      } else {
        const specifier = fromClause(i + 1, end);
        if (specifier !== undefined) {
          scan.exports.push({ type: 'star', specifier, at: at(s) });
          reference(specifier, 'reexport', typeExport, i + 2);
          return;
        }
      }
      scan.problems.push({ message: 'cannot read export * statement', at: at(s) });
      return;
    }
    if (is(i, 'type', end) && is(i + 1, '{', end)) { i++; typeExport = true; }
    if (is(i, '{', end) && match[i] > 0) {
      const specifier = fromClause(match[i] + 1, end);
      if (specifier !== undefined) reference(specifier, 'reexport', typeExport || allTypeSpecifiers(i), match[i] + 2);
      for (const sp of specifiers(i)) {
        if (specifier === undefined) scan.exports.push({ type: 'local', exported: sp.alias, local: sp.name, at: at(sp.index) });
        else scan.exports.push({ type: 'from', exported: sp.alias, imported: sp.name, specifier, at: at(sp.index) });
      }
      return;
    }
    if (is(i, '=', end)) {
      scan.problems.push({ message: "'export =' is not followed", at: at(s) });
      return;
    }
    if (is(i, 'as', end) || is(i, 'import', end)) return; // export as namespace X / export import A = B
    const decls = declaration(i, end);
    if (decls.length === 0) scan.problems.push({ message: `cannot read export statement '${tokenText(tokens, s, Math.min(end, s + 6))}'`, at: at(s) });
    exportLocal(decls);
  };

  /**
   * `import('x')` anywhere in the file, with a literal specifier. It is a type when it is the
   * operand of `typeof` or is followed by `.Name` other than a promise method
   * (`import('x').Peer` in an annotation); otherwise a value (it loads the module).
   */
  const dynamicImports = (): void => {
    for (let k = 0; k + 3 < tokens.length; k++) {
      const t = tokens[k];
      if (t.kind !== 'ident' || t.text !== 'import' || tokens[k + 1].text !== '(' || tokens[k + 1].kind !== 'punct') continue;
      if (k > 0 && tokens[k - 1].text === '.' && tokens[k - 1].kind === 'punct') continue; // x.import(...)
      const arg = tokens[k + 2];
      const literal = arg.kind === 'string' || (arg.kind === 'template' && !arg.substitution);
      if (!literal || arg.value === undefined) continue;
      const close = match[k + 1];
      const after = close > 0 ? tokens[close + 1] : undefined;
      const member = after !== undefined && after.text === '.' && after.kind === 'punct' ? tokens[close + 2] : undefined;
      const asType = (k > 0 && tokens[k - 1].text === 'typeof') || (member !== undefined && member.kind === 'ident' && !PROMISE_METHODS.has(member.text));
      reference(arg.value, 'dynamic', asType, k + 2);
    }
  };

  for (const [s0, e0] of splitStatements(0, tokens.length, 0, false)) {
    const s = skipDecorators(s0, e0);
    if (s >= e0) continue;
    const head = tokens[s];
    if (head.kind !== 'ident') continue;
    if (head.text === 'import') importStatement(s, e0);
    else if (head.text === 'export') exportStatement(s, e0);
    else for (const d of declaration(s, e0)) addLocal(d);
  }
  for (const d of scan.locals.values()) if (d.overloads && d.overloads.length < 2) delete d.overloads;
  dynamicImports();
  scan.references.sort((a, b) => a.at.line - b.at.line || a.at.column - b.at.column);
  return scan;
}
