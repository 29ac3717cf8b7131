/**
 * Reads the top-level statements of one TypeScript file from its tokens: local
 * declarations (with function and class signatures), imports, and export entries.
 * Following exports across files is done by `exports.ts`.
 */

import { IDENT, NEWLINE_BEFORE, NUMBER, PUNCT, SUBSTITUTION, STRING, TEMPLATE, type TokenTable, position, tableText, tokenTable } from './tokenizer.js';
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

function endsValue(t: TokenTable, i: number): boolean {
  switch (t.kind[i]) {
    case IDENT:
      return !CONTINUES.has(t.text[i]);
    case PUNCT: {
      const s = t.text[i];
      return s === ')' || s === ']' || s === '}' || s === '>';
    }
    default:
      return true;
  }
}

function startsStatement(t: TokenTable, i: number): boolean {
  const kind = t.kind[i];
  if (kind === IDENT) return !CONTINUATION_START.has(t.text[i]);
  if (kind === PUNCT) return t.text[i] === '@' || t.text[i] === '*';
  return kind !== TEMPLATE;
}

/** Scan one file's source text. */
export function scanModule(src: string): ModuleScan {
  const table = tokenTable(src);
  const { kind, text, value, depth, flags, match, problems: tokenProblems } = table;
  const count = table.count;
  const scan: ModuleScan = {
    locals: new Map(),
    imports: new Map(),
    exports: [],
    references: [],
    problems: tokenProblems.length ? tokenProblems.map((p) => ({ message: p.message, at: { line: p.line, column: p.column } })) : [],
  };
  const at = (i: number): Position => (count > 0 ? position(table, table.start[Math.min(i, count - 1)]) : { line: 1, column: 1 });
  const is = (i: number, word: string, end: number): boolean => i < end && text[i] === word && kind[i] !== STRING;
  const isIdent = (i: number, end: number): boolean => i < end && kind[i] === IDENT;

  /**
   * Split [from, to) at `depth` into statements (or class members when `members`), as start and
   * end pairs in one flat list (read with an index: no tuple per statement).
   */
  const splitStatements = (from: number, to: number, level: number, members: boolean): number[] => {
    const out: number[] = [];
    let s = from;
    for (let i = from; i < to; i++) {
      if (depth[i] !== level) continue;
      if (kind[i] === PUNCT && text[i] === ';') {
        if (i > s) out.push(s, i);
        s = i + 1;
        continue;
      }
      if (i === s) continue;
      const p = i - 1;
      const afterBlock = kind[p] === PUNCT && text[p] === '}' && (members ? startsStatement(table, i) : kind[i] === IDENT && DECLARATION_START.has(text[i]));
      if (afterBlock || ((flags[i] & NEWLINE_BEFORE) !== 0 && endsValue(table, p) && startsStatement(table, i))) {
        out.push(s, i);
        s = i;
      }
    }
    if (s < to) out.push(s, to);
    return out;
  };

  /** Index after a balanced `<...>` starting at `i` (same depth), or `i` when none. */
  const skipAngles = (i: number, end: number): number => {
    if (!is(i, '<', end)) return i;
    const level = depth[i];
    let n = 0;
    for (let k = i; k < end; k++) {
      if (depth[k] !== level || kind[k] !== PUNCT) continue;
      if (text[k] === '<') n++;
      else if (text[k] === '>' && --n === 0) return k + 1;
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
    if (last <= close || text[last] !== '}' || kind[last] !== PUNCT) return end;
    const open = match[last];
    if (open <= close) return end;
    if (open === close + 1) return open; // no return type: `f() { ... }`
    return endsValue(table, open - 1) ? open : end;
  };

  /** Signature of a parameter list `(` at `open`, with an optional `: type` up to `stop`. */
  const signatureAt = (open: number, stop: number): { sig: SignatureText; close: number } | undefined => {
    if (!is(open, '(', stop)) return undefined;
    const close = match[open];
    if (close < 0 || close >= stop) return undefined;
    const params = tableText(table, open + 1, close);
    const returns = is(close + 1, ':', stop) ? tableText(table, close + 2, stop) : '';
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
    if (isIdent(i, end) && is(i + 1, '=>', end)) return { params: text[i], returns: '' };
    i = skipAngles(i, end);
    if (!is(i, '(', end)) return undefined;
    const close = match[i];
    if (close < 0 || close >= end) return undefined;
    const level = depth[i];
    let arrow = -1;
    if (is(close + 1, '=>', end)) arrow = close + 1;
    else if (is(close + 1, ':', end)) {
      for (let k = close + 2; k < end; k++) {
        if (depth[k] === level && text[k] === '=>' && kind[k] === PUNCT) {
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
    return { params: tableText(table, i + 1, close), returns: tableText(table, close + 2, end) };
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
    const parts = splitStatements(open + 1, close, depth[open] + 1, true);
    for (let part = 0; part < parts.length; part += 2) {
      const s = parts[part];
      const e = parts[part + 1];
      let i = skipDecorators(s, e);
      let hidden = false;
      let accessor = '';
      while (i + 1 < e && kind[i] === IDENT && MEMBER_MODIFIERS.has(text[i])) {
        const n = text[i + 1];
        if (n === '(' || n === '<' || n === '?' || n === '!' || n === ':' || n === '=' || n === ';') break;
        if (text[i] === 'private' || text[i] === 'protected') hidden = true;
        if (text[i] === 'get' || text[i] === 'set') accessor = text[i];
        i++;
      }
      if (is(i, '*', e)) i++;
      if (i >= e) continue;
      const nameIndex = i;
      let name: string;
      if (kind[i] === IDENT || kind[i] === NUMBER) name = text[i];
      else if (kind[i] === STRING) name = value[i] ?? '';
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
        for (let k = i + 1; k < e; k++) if (depth[k] === depth[nameIndex] && text[k] === '=' && kind[k] === PUNCT) { eq = k; break; }
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
    if (i >= count || kind[i] !== IDENT) return [];
    const head = i;
    const named = (k: number, declared: ExportKind, extra?: Partial<LocalDeclaration>): LocalDeclaration[] => {
      if (isIdent(k, end)) return [{ name: text[k], kind: declared, at: at(k), ...extra }];
      if (anonymous) return [{ name: anonymous, kind: declared, at: at(i), ...extra }];
      return [];
    };
    switch (text[head]) {
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
        let k = isIdent(nameIndex, end) && text[nameIndex] !== 'extends' && text[nameIndex] !== 'implements' ? i + 2 : i + 1;
        for (; k < end; k++) {
          if (depth[k] !== depth[head]) continue;
          if (text[k] === '<') k = skipAngles(k, end) - 1;
          else if (text[k] === '{' && kind[k] === PUNCT) break;
        }
        const members = k < end ? classMembers(k) : {};
        const afterClass = nameIndex < count ? text[nameIndex] : undefined;
        if (afterClass === 'extends' || afterClass === 'implements') return named(end, 'class', { members });
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
        return variables(i + 1, end, text[head] as 'const' | 'let' | 'var');
      default:
        return [];
    }
  };

  /** Binding names of a destructuring pattern opened at `open`. */
  const patternNames = (open: number, out: number[]): void => {
    const close = match[open];
    if (close < 0) return;
    const level = depth[open] + 1;
    const object = text[open] === '{';
    for (let k = open + 1; k < close; k++) {
      if (depth[k] !== level) continue;
      if ((text[k] === '{' || text[k] === '[') && kind[k] === PUNCT) {
        patternNames(k, out);
        k = match[k] > 0 ? match[k] : k;
        continue;
      }
      if (kind[k] !== IDENT) continue;
      const prev = text[k - 1];
      const atStart = k === open + 1 || prev === ',' || prev === '...' || (object && prev === ':');
      if (!atStart) continue;
      if (object && k + 1 < count && text[k + 1] === ':' && prev !== ':') continue; // a property key
      out.push(k);
    }
  };

  const variables = (i: number, end: number, declared: 'const' | 'let' | 'var'): LocalDeclaration[] => {
    const out: LocalDeclaration[] = [];
    const level = i < count ? depth[i] : 0;
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
        if (depth[k] !== level || kind[k] !== PUNCT) continue;
        const t = text[k];
        if (t === '<') angles++;
        else if (t === '>' && angles > 0) angles--;
        else if (t === ',' && angles === 0 && isIdent(k + 1, end) && (is(k + 2, '=', end) || is(k + 2, ':', end))) {
          next = k;
          break;
        }
      }
      let typeEnd = next;
      let initStart = -1;
      for (let k = i; k < next; k++) {
        if (depth[k] === level && kind[k] === PUNCT && text[k] === '=') {
          typeEnd = k;
          initStart = k + 1;
          break;
        }
      }
      // A function type annotation states the contract; else read the initializer.
      let signature = is(i, ':', next) ? functionType(i + 1, typeEnd) : undefined;
      if (!signature && initStart > 0) signature = functionExpression(initStart, next);
      for (const n of nameIndexes) {
        out.push({ name: text[n], kind: declared, at: at(n), ...(signature && nameIndexes.length === 1 ? { signature } : {}) });
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
    const nameOf = (t: number): string => (kind[t] === STRING ? (value[t] ?? '') : text[t]);
    for (let k = open + 1; k <= close; k++) {
      if (k < close && !(text[k] === ',' && kind[k] === PUNCT)) continue;
      let a = s;
      const n = k - s;
      if (n >= 2 && text[a] === 'type' && kind[a] === IDENT && (n === 2 || n === 4)) a++;
      const m = k - a;
      if (m === 1) out.push({ name: nameOf(a), alias: nameOf(a), index: a });
      else if (m === 3 && text[a + 1] === 'as') out.push({ name: nameOf(a), alias: nameOf(a + 2), index: a });
      else if (m > 0) scan.problems.push({ message: `cannot read export specifier '${tableText(table, s, k)}'`, at: at(s) });
      s = k + 1;
    }
    return out;
  };

  const fromClause = (i: number, end: number): string | undefined =>
    is(i, 'from', end) && i + 1 < end && kind[i + 1] === STRING ? value[i + 1] : undefined;

  /** True when every specifier of `{ ... }` opened at `open` is marked `type` (and there is at least one). */
  const allTypeSpecifiers = (open: number): boolean => {
    const close = match[open];
    if (close < 0 || close === open + 1) return false;
    let first = true;
    for (let k = open + 1; k < close; k++) {
      if (first) {
        if (!(kind[k] === IDENT && text[k] === 'type' && k + 1 < close && text[k + 1] !== ',' && text[k + 1] !== 'as')) return false;
        first = false;
      }
      if (text[k] === ',' && kind[k] === PUNCT) first = true;
    }
    return true;
  };

  const reference = (specifier: string | undefined, referenceKind: ReferenceKind, typeOnly: boolean, index: number): void => {
    if (specifier !== undefined) scan.references.push({ specifier, kind: referenceKind, typeOnly, at: at(index) });
  };

  const importStatement = (s: number, end: number): void => {
    let i = s + 1;
    if (is(i, '(', end) || is(i, '.', end)) return; // import(...) / import.meta: the dynamic pass reads them
    if (i < end && kind[i] === STRING) {
      reference(value[i], 'side-effect', false, i);
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
        if (is(i + 2, 'require', end) && is(i + 3, '(', end) && i + 4 < end && kind[i + 4] === STRING) reference(value[i + 4], 'require', typeOnly, i + 4);
        return;
      }
      found.push({ local: text[i], imported: 'default', index: i });
      valueBinding = true;
      i++;
      if (is(i, ',', end)) i++;
    }
    if (is(i, '*', end) && is(i + 1, 'as', end) && isIdent(i + 2, end)) {
      found.push({ local: text[i + 2], imported: '*', index: i + 2 });
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
      } else if (i === end - 1 && kind[i] === IDENT) {
        scan.exports.push({ type: 'local', exported: 'default', local: text[i], at: at(i) });
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
        const t = i + 2;
        const specifier = fromClause(i + 3, end);
        if (specifier !== undefined) {
          scan.exports.push({ type: 'star-as', exported: kind[t] === STRING ? (value[t] ?? '') : text[t], specifier, at: at(i + 2) });
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
    if (decls.length === 0) scan.problems.push({ message: `cannot read export statement '${tableText(table, s, Math.min(end, s + 6))}'`, at: at(s) });
    exportLocal(decls);
  };

  /**
   * `import('x')` anywhere in the file, with a literal specifier. It is a type when it is the
   * operand of `typeof` or is followed by `.Name` other than a promise method
   * (`import('x').Peer` in an annotation); otherwise a value (it loads the module).
   */
  const dynamicImports = (): void => {
    for (let k = 0; k + 3 < count; k++) {
      if (kind[k] !== IDENT || text[k] !== 'import' || text[k + 1] !== '(' || kind[k + 1] !== PUNCT) continue;
      if (k > 0 && text[k - 1] === '.' && kind[k - 1] === PUNCT) continue; // x.import(...)
      const arg = k + 2;
      const literal = kind[arg] === STRING || (kind[arg] === TEMPLATE && (flags[arg] & SUBSTITUTION) === 0);
      const specifier = value[arg];
      if (!literal || specifier === undefined) continue;
      const close = match[k + 1];
      const after = close > 0 && close + 1 < count ? close + 1 : -1;
      const member = after >= 0 && text[after] === '.' && kind[after] === PUNCT && after + 1 < count ? after + 1 : -1;
      const asType = (k > 0 && text[k - 1] === 'typeof') || (member >= 0 && kind[member] === IDENT && !PROMISE_METHODS.has(text[member]));
      reference(specifier, 'dynamic', asType, k + 2);
    }
  };

  const statements = splitStatements(0, count, 0, false);
  for (let part = 0; part < statements.length; part += 2) {
    const s0 = statements[part];
    const e0 = statements[part + 1];
    const s = skipDecorators(s0, e0);
    if (s >= e0) continue;
    if (kind[s] !== IDENT) continue;
    if (text[s] === 'import') importStatement(s, e0);
    else if (text[s] === 'export') exportStatement(s, e0);
    else for (const d of declaration(s, e0)) addLocal(d);
  }
  scan.locals.forEach((d) => { if (d.overloads && d.overloads.length < 2) delete d.overloads; });
  dynamicImports();
  // Statements come in source order; only dynamic imports, read last, can be out of place.
  const before = (a: ModuleReference, b: ModuleReference) => a.at.line - b.at.line || a.at.column - b.at.column;
  const refs = scan.references;
  for (let k = 1; k < refs.length; k++) {
    if (before(refs[k - 1], refs[k]) > 0) {
      refs.sort(before);
      break;
    }
  }
  return scan;
}
