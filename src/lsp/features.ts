/**
 * The language features, as plain functions over an `Analysis` (so the server, the tests
 * and the fuzz target run the same code): hover, definition, references, rename,
 * completion, document and workspace symbols, formatting and code actions.
 * LSP 3.17: "textDocument/hover", "definition", "references", "rename", "completion",
 * "documentSymbol", "workspace/symbol", "formatting", "codeAction".
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionKind, CompletionItemKind, DiagnosticSeverity, MarkupKind, SymbolKind,
  type CodeAction, type CompletionItem, type Diagnostic as LspDiagnostic, type DocumentSymbol, type Hover, type Location,
  type Position, type Range, type SymbolInformation, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import {
  FormatError, RULES, SPELL_NAME_PATTERN, expandGlobs, formatSpellSource, newSpellText, readModuleExports, readTestTitles,
  sealOf, spellFileKind, testBindings, type Diagnostic, type Spell, type TestTitle,
} from '../spells/index.js';
import { COMMANDS, DEFAULTS, DIAGNOSTIC_SOURCE, GLYPH_HELP, LIMITS, TEXT } from './constants.js';
import { LineReader, dependencyTargets, headerName, occurrences, proveTitle, targetAt, type Span, type Target } from './text.js';
import { isManifestPath, type Analysis } from './workspace.js';

export const uriOf = (file: string): string => pathToFileURL(file).href;

/** An open document (or a file) at one moment: its path, text and (lazily) its lines. */
export interface DocView {
  file: string;
  text: string;
  line(n: number): string | undefined;
  lineCount(): number;
}

export function docView(file: string, text: string): DocView {
  const reader = new LineReader(text);
  return { file, text, line: (n) => reader.line(n), lineCount: () => reader.count() };
}

type LineOf = (n: number) => string | undefined;

const lineRange = (line: number, span: Span): Range => ({ start: { line, character: span.start }, end: { line, character: span.end } });

/** The LSP range of a finding: from its column to the end of its line's text. */
function findingRange(d: Diagnostic, lineOf: LineOf): Range {
  const line = Math.max(0, d.location.line - 1);
  const text = lineOf(line) ?? '';
  const start = Math.min(Math.max(0, d.location.column - 1), text.length);
  const end = Math.max(start + (text.length > start ? 0 : 1), text.trimEnd().length);
  return { start: { line, character: start }, end: { line, character: Math.max(end, start) } };
}

/** The engine's findings for one file, as LSP diagnostics (code = rule id). */
export function toLspDiagnostics(findings: readonly Diagnostic[], lineOf: LineOf): LspDiagnostic[] {
  return findings.map((d) => ({
    range: findingRange(d, lineOf),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: d.rule,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
  }));
}

function linesOf(analysis: Analysis, file: string, readText: (file: string) => string | undefined): LineOf {
  const text = analysis.files.get(file)?.text ?? readText(file);
  if (text === undefined) return () => undefined;
  const reader = new LineReader(text);
  return (n) => reader.line(n);
}

/** The spell of `file` whose lines include `line` (1-based). */
export function spellAt(analysis: Analysis, file: string, line: number): Spell | undefined {
  const spells = analysis.files.get(file)?.parsed.spells ?? [];
  return spells.find((s) => s.location.line <= line && line <= s.endLine);
}

export type SealState = keyof typeof TEXT.sealState;

export function sealState(analysis: Analysis, spell: Spell): SealState {
  const seal = analysis.manifest?.entries.get(spell.name)?.seal;
  return !seal ? 'draft' : seal === sealOf(spell) ? 'sealed' : 'stale';
}

/** The entry file of a mapped module, as the mapping rules resolve it. */
export function moduleEntry(analysis: Analysis, spell: Spell): string | undefined {
  const module = analysis.manifest?.entries.get(spell.name)?.modules[0];
  if (!module || !analysis.manifest) return undefined;
  const path = join(analysis.manifest.root, module);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return existsSync(join(path, 'index.ts')) ? join(path, 'index.ts') : undefined;
  if (stat?.isFile()) return path;
  return existsSync(path + '.ts') ? path + '.ts' : undefined;
}

function mappedTests(analysis: Analysis, spell: Spell): TestTitle[] {
  const entry = analysis.manifest?.entries.get(spell.name);
  if (!entry || !analysis.manifest) return [];
  const files = expandGlobs(analysis.manifest.root, entry.tests);
  return files.length ? readTestTitles(files) : [];
}

const pointAt = (file: string, line: number, column: number): Location => {
  const p = { line: Math.max(0, line - 1), character: Math.max(0, column - 1) };
  return { uri: uriOf(file), range: { start: p, end: p } };
};

/** A test binding (`$ prove ... -> test:` or a `[Test Cases]` item) on this line, if any. */
function bindingOnLine(analysis: Analysis, doc: DocView, line: number, at: number): Target | undefined {
  const spell = spellAt(analysis, doc.file, line + 1);
  if (!spell) return undefined;
  const text = doc.line(line) ?? '';
  const prove = proveTitle(text);
  if (prove) return at >= prove.span.start && at <= prove.span.end ? { kind: 'test', title: prove.title, span: prove.span } : undefined;
  const binding = testBindings(spell).find((b) => b.location.line === line + 1);
  if (!binding || spellFileKind(doc.file) === 'yaml') return undefined;
  const start = text.indexOf(binding.title);
  return { kind: 'test', title: binding.title, span: start >= 0 ? { start, end: start + binding.title.length } : { start: 0, end: text.length } };
}

/** What is under the cursor, resolved against the workspace's spells and entities. */
export function resolveTarget(analysis: Analysis, doc: DocView, pos: Position): Target | undefined {
  const line = doc.line(pos.line);
  if (line === undefined) return undefined;
  const binding = bindingOnLine(analysis, doc, pos.line, pos.character);
  if (binding) return binding;
  const target = targetAt(line, pos.character);
  if (target?.kind !== 'word') return target;
  if (analysis.spells.has(target.name)) return { kind: 'spell', name: target.name, span: target.span, declaration: false };
  if (analysis.entities.has(target.name)) return { kind: 'entity', name: target.name, span: target.span, declaration: false };
  return undefined;
}

function spellHover(analysis: Analysis, spell: Spell, lastResults?: { file: string; results: { title: string; fullTitle: string; status: string }[] }): string {
  const state = sealState(analysis, spell);
  const module = analysis.manifest?.entries.get(spell.name)?.modules.join(', ');
  const out = [`**#${spell.name}** · ${TEXT.sealState[state]}`, ''];
  for (const intent of spell.intents) out.push(`^ ${intent.text}`, '');
  out.push(`module: ${module ? `\`${module}\`` : TEXT.noModule}`, '');
  const bindings = testBindings(spell);
  if (!bindings.length) out.push(TEXT.noTests);
  for (const b of bindings) {
    const result = lastResults?.results.find((r) => r.title === b.title || r.fullTitle === b.title);
    out.push(`- ${b.title}${lastResults ? ` · ${result?.status ?? TEXT.testNoResult}` : ''}`);
  }
  if (lastResults && bindings.length) out.push('', TEXT.resultsFrom(relative(analysis.root, lastResults.file) || lastResults.file));
  return out.join('\n');
}

export function hover(analysis: Analysis, doc: DocView, pos: Position, lastResults?: Parameters<typeof spellHover>[2]): Hover | null {
  const target = resolveTarget(analysis, doc, pos);
  if (!target) return null;
  let value: string | undefined;
  if (target.kind === 'glyph') {
    const help = GLYPH_HELP[target.glyph];
    value = help && `**\`${target.glyph}\` ${help.name}**: ${help.meaning}`;
  } else if (target.kind === 'spell') {
    const spell = analysis.spells.get(target.name);
    if (spell) value = spellHover(analysis, spell, lastResults);
  } else if (target.kind === 'entity') {
    const owner = analysis.entities.get(target.name);
    if (owner) value = `**@${target.name}**, declared by #${owner.name}\n\n` + spellHover(analysis, owner, lastResults);
  } else if (target.kind === 'test') {
    const spell = spellAt(analysis, doc.file, pos.line + 1);
    const result = lastResults?.results.find((r) => r.title === target.title || r.fullTitle === target.title);
    const found = spell ? mappedTests(analysis, spell).filter((t) => t.title === target.title || t.fullTitle === target.title) : [];
    value = `**test** ${target.title}\n\n${found.length ? found.map((t) => `${relative(analysis.root, t.file)}:${t.line}`).join('\n') : 'not found in the mapped test files'}` +
      (lastResults ? `\n\nlast result: ${result?.status ?? TEXT.testNoResult}` : '');
  }
  return value ? { contents: { kind: MarkupKind.Markdown, value }, range: lineRange(pos.line, target.span) } : null;
}

function spellLocation(analysis: Analysis, spell: Spell, readText: (file: string) => string | undefined): Location {
  const lines = linesOf(analysis, spell.location.file, readText);
  const line = spell.location.line - 1;
  const span = occurrences(lines(line) ?? '', spell.name)[0];
  return span ? { uri: uriOf(spell.location.file), range: lineRange(line, span) } : pointAt(spell.location.file, spell.location.line, spell.location.column);
}

export function definition(analysis: Analysis, doc: DocView, pos: Position, readText: (file: string) => string | undefined): Location[] {
  const target = resolveTarget(analysis, doc, pos);
  if (!target) return [];
  if (target.kind === 'spell') {
    const spell = analysis.spells.get(target.name);
    if (!spell) return [];
    if (!target.declaration) return [spellLocation(analysis, spell, readText)];
    const entry = moduleEntry(analysis, spell);
    return entry ? [pointAt(entry, 1, 1)] : [];
  }
  if (target.kind === 'entity') {
    const owner = analysis.entities.get(target.name);
    if (!owner) return [];
    const out: Location[] = [];
    const entity = owner.entities.find((e) => e.name === target.name);
    if (!target.declaration && entity) out.push(pointAt(entity.location.file, entity.location.line, entity.location.column));
    const entry = moduleEntry(analysis, owner);
    const symbol = entry ? readModuleExports(entry).symbols.get(target.name) : undefined;
    if (symbol) out.push(pointAt(symbol.location.file, symbol.location.line, symbol.location.column));
    return out;
  }
  if (target.kind === 'test') {
    const spell = spellAt(analysis, doc.file, pos.line + 1);
    if (!spell) return [];
    return mappedTests(analysis, spell).filter((t) => t.title === target.title || t.fullTitle === target.title).map((t) => pointAt(t.file, t.line, t.column));
  }
  return [];
}

/** Every `>` dependency on `name` (a spell, or an entity when `kind` is 'entity'), with the name's exact span. */
function dependents(analysis: Analysis, name: string, kind: 'spell' | 'entity', readText: (file: string) => string | undefined): Location[] {
  const out: Location[] = [];
  const seen = new Set<string>();
  for (const spell of analysis.allSpells) {
    for (const owner of [spell, ...spell.entities]) {
      for (const dep of owner.dependencies) {
        if (dep.target !== name || dep.kind !== kind) continue;
        const key = `${dep.location.file}:${dep.location.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const line = linesOf(analysis, dep.location.file, readText)(dep.location.line - 1) ?? '';
        const spans = spellFileKind(dep.location.file) === 'yaml'
          ? occurrences(line, name)
          : dependencyTargets(line).filter((t) => t.name === name && t.kind === kind).map((t) => t.span);
        for (const span of spans) out.push({ uri: uriOf(dep.location.file), range: lineRange(dep.location.line - 1, span) });
      }
    }
  }
  return out;
}

export function references(analysis: Analysis, doc: DocView, pos: Position, includeDeclaration: boolean, readText: (file: string) => string | undefined): Location[] {
  const target = resolveTarget(analysis, doc, pos);
  if (target?.kind === 'spell') {
    const spell = analysis.spells.get(target.name);
    const refs = dependents(analysis, target.name, 'spell', readText);
    return includeDeclaration && spell ? [spellLocation(analysis, spell, readText), ...refs] : refs;
  }
  if (target?.kind === 'entity') {
    const owner = analysis.entities.get(target.name);
    const entity = owner?.entities.find((e) => e.name === target.name);
    const refs = dependents(analysis, target.name, 'entity', readText);
    return includeDeclaration && entity ? [pointAt(entity.location.file, entity.location.line, entity.location.column), ...refs] : refs;
  }
  return [];
}

/** The range of a spell name that can be renamed at `pos`, if any. */
export function prepareRename(analysis: Analysis, doc: DocView, pos: Position): Range | null {
  const target = resolveTarget(analysis, doc, pos);
  return target?.kind === 'spell' && analysis.spells.has(target.name) ? lineRange(pos.line, target.span) : null;
}

/**
 * Rename a spell in its header, every dependency on it in every book, and its manifest key.
 * Returns undefined when there is no spell under the cursor; throws on an invalid new name.
 */
export function rename(analysis: Analysis, doc: DocView, pos: Position, newName: string, readText: (file: string) => string | undefined): WorkspaceEdit | undefined {
  const target = resolveTarget(analysis, doc, pos);
  if (target?.kind !== 'spell') return undefined;
  if (!SPELL_NAME_PATTERN.test(newName)) throw new RangeError(`'${newName}' is not a spell name (${SPELL_NAME_PATTERN.source})`);
  const changes: Record<string, TextEdit[]> = {};
  const add = (loc: Location) => (changes[loc.uri] ??= []).push({ range: loc.range, newText: newName });
  for (const spell of analysis.allSpells) {
    if (spell.name !== target.name) continue;
    const line = linesOf(analysis, spell.location.file, readText)(spell.location.line - 1) ?? '';
    const span = spellFileKind(spell.location.file) === 'yaml' ? occurrences(line, spell.name)[0] : headerName(line)?.span;
    if (span) add({ uri: uriOf(spell.location.file), range: lineRange(spell.location.line - 1, span) });
  }
  for (const loc of dependents(analysis, target.name, 'spell', readText)) add(loc);
  const entry = analysis.manifest?.entries.get(target.name);
  if (entry && analysis.manifest) {
    const line = linesOf(analysis, analysis.manifest.path, readText)(entry.location.line - 1) ?? '';
    const span = occurrences(line, target.name)[0];
    if (span) add({ uri: uriOf(analysis.manifest.path), range: lineRange(entry.location.line - 1, span) });
  }
  return { changes };
}

function limited<T>(items: T[]): T[] {
  return items.length > LIMITS.maxListItems ? items.slice(0, LIMITS.maxListItems) : items;
}

export function completion(analysis: Analysis, doc: DocView, pos: Position): CompletionItem[] {
  const line = doc.line(pos.line) ?? '';
  const before = line.slice(0, pos.character);
  if (spellFileKind(doc.file) === 'yaml' || isManifestPath(doc.file)) return [];
  if (/^[ \t]*@[ \t]*[A-Za-z0-9_]*$/.test(before)) {
    const spell = spellAt(analysis, doc.file, pos.line + 1);
    const entry = spell && moduleEntry(analysis, spell);
    if (spell && entry) {
      const declared = new Set(spell.entities.map((e) => e.name));
      return limited([...readModuleExports(entry).symbols.values()].filter((s) => !declared.has(s.name)).map((s) => ({
        label: s.name, kind: s.kind === 'class' ? CompletionItemKind.Class : s.kind === 'function' ? CompletionItemKind.Function : CompletionItemKind.Reference,
        detail: `${s.kind} in ${relative(analysis.root, entry)}`,
      })));
    }
  }
  if (/^[ \t]*\S?$/.test(before) && !/^[ \t]*[A-Za-z0-9]$/.test(before)) {
    const start = before.trimStart().length ? pos.character - 1 : pos.character;
    const range = { start: { line: pos.line, character: start }, end: pos };
    const glyphs = Object.entries(GLYPH_HELP).map(([glyph, help]): CompletionItem => ({
      label: help.insert.trim() || glyph, kind: CompletionItemKind.Keyword, detail: help.name, documentation: help.meaning,
      textEdit: { range, newText: help.insert }, filterText: glyph,
    }));
    return [...glyphs, { label: TEXT.sectionTestCases, kind: CompletionItemKind.Keyword, textEdit: { range, newText: TEXT.sectionTestCases }, filterText: '[' }];
  }
  const dep = /^[ \t]*>[ \t]*(?:(?:depends(?:[ \t]+on)?|dependency)[ \t]*:[ \t]*)?(?:[^,]*,[ \t]*)*(@|#(?:Spell[ \t]*:[ \t]*)?)?[A-Za-z0-9_.-]*$/i.exec(before);
  if (dep) {
    const self = spellAt(analysis, doc.file, pos.line + 1)?.name;
    if (dep[1] === '@') {
      return limited([...analysis.entities].map(([name, owner]) => ({ label: name, kind: CompletionItemKind.Class, detail: `#${owner.name}` })));
    }
    return limited([...analysis.spells.values()].filter((s) => s.name !== self).map((s) => ({
      label: s.name, kind: CompletionItemKind.Module, detail: s.intents[0]?.text,
    })));
  }
  if (/(?:->|→)[ \t]*test[ \t]*:[ \t]*[^]*$/i.test(before) || /^[ \t]*(?:[-*+]|\d+[.)])[ \t]/.test(before)) {
    const spell = spellAt(analysis, doc.file, pos.line + 1);
    if (!spell) return [];
    const inTestCases = /^[ \t]*(?:[-*+]|\d+[.)])[ \t]/.test(before);
    if (inTestCases && !spell.sections.some((s) => /^test[ _-]?cases?$/i.test(s.name) && s.location.line <= pos.line + 1)) return [];
    return limited([...new Set(mappedTests(analysis, spell).map((t) => t.title))].map((title) => ({ label: title, kind: CompletionItemKind.Text })));
  }
  return [];
}

export function documentSymbols(analysis: Analysis, doc: DocView): DocumentSymbol[] {
  const spells = analysis.files.get(doc.file)?.parsed.spells ?? [];
  const point = (line: number, column: number): Range => {
    const l = Math.max(0, line - 1);
    const text = doc.line(l) ?? '';
    return { start: { line: l, character: Math.max(0, Math.min(column - 1, text.length)) }, end: { line: l, character: text.length } };
  };
  return spells.map((spell): DocumentSymbol => {
    const selection = point(spell.location.line, spell.location.column);
    const lastLine = Math.max(spell.location.line, spell.endLine);
    const range = { start: selection.start, end: { line: lastLine - 1, character: (doc.line(lastLine - 1) ?? '').length } };
    const inside = (r: Range): Range => (r.start.line >= range.start.line && r.end.line <= range.end.line ? r : selection);
    const children: DocumentSymbol[] = [
      ...spell.entities.map((e) => { const r = inside(point(e.location.line, e.location.column)); return { name: e.name, kind: SymbolKind.Class, range: r, selectionRange: r }; }),
      ...spell.sections.map((s) => { const r = inside(point(s.location.line, s.location.column)); return { name: `[${s.name}]`, kind: SymbolKind.Namespace, range: r, selectionRange: r }; }),
    ];
    return { name: spell.name, detail: spell.intents[0]?.text, kind: SymbolKind.Module, range, selectionRange: selection, children };
  });
}

export function workspaceSymbols(analysis: Analysis, query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const spell of analysis.spells.values()) {
    if (spell.name.toLowerCase().includes(q)) out.push({ name: spell.name, kind: SymbolKind.Module, location: pointAt(spell.location.file, spell.location.line, spell.location.column) });
    for (const e of spell.entities) {
      if (e.name.toLowerCase().includes(q)) out.push({ name: e.name, kind: SymbolKind.Class, containerName: spell.name, location: pointAt(e.location.file, e.location.line, e.location.column) });
    }
    if (out.length >= LIMITS.maxListItems) break;
  }
  return limited(out);
}

/** `spell fmt` on the document: one edit replacing the whole text, or none (already canonical, YAML, or syntax errors). */
export function formatting(doc: DocView): TextEdit[] {
  if (spellFileKind(doc.file) === 'yaml' || isManifestPath(doc.file)) return [];
  let formatted: string;
  try {
    formatted = formatSpellSource(doc.file, doc.text);
  } catch (error) {
    if (error instanceof FormatError) return [];
    throw error;
  }
  if (formatted === doc.text) return [];
  const last = doc.lineCount() - 1;
  return [{ range: { start: { line: 0, character: 0 }, end: { line: last, character: (doc.line(last) ?? '').length } }, newText: formatted }];
}

export function codeActions(analysis: Analysis, doc: DocView, range: Range, newSpellDir = DEFAULTS.newSpellDir): CodeAction[] {
  const out: CodeAction[] = [];
  const uri = uriOf(doc.file);
  const text = spellFileKind(doc.file) !== 'yaml';
  const eol = doc.text.includes('\r\n') ? '\r\n' : '\n';
  const findings = (analysis.byFile.get(doc.file) ?? []).filter((d) => d.location.line - 1 >= range.start.line && d.location.line - 1 <= range.end.line);
  const insertAfter = (line: number, newText: string, title: string, finding: Diagnostic) => {
    const at = { line, character: (doc.line(line) ?? '').length };
    out.push({
      title, kind: CodeActionKind.QuickFix, diagnostics: toLspDiagnostics([finding], doc.line),
      edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText: eol + newText }] } },
    });
  };
  const created = new Set<string>();
  for (const d of findings) {
    const spell = d.spell ? analysis.files.get(doc.file)?.parsed.spells.find((s) => s.name === d.spell) : undefined;
    if (text && spell && d.rule === RULES.intentMissing.id) insertAfter(spell.location.line - 1, TEXT.stubIntent, TEXT.actionAddStub('intent'), d);
    if (text && spell && d.rule === RULES.noExclusion.id) insertAfter(spell.endLine - 1, TEXT.stubExclusion, TEXT.actionAddStub('exclusion'), d);
    if (text && spell && d.rule === RULES.noGuarantee.id) insertAfter(spell.endLine - 1, TEXT.stubGuarantee, TEXT.actionAddStub('guarantee'), d);
    if (d.rule === RULES.unknownDependency.id) {
      for (const dep of dependencyTargets(doc.line(d.location.line - 1) ?? '')) {
        if (dep.kind !== 'spell' || analysis.spells.has(dep.name) || created.has(dep.name)) continue;
        created.add(dep.name);
        const file = join(analysis.root, newSpellDir, `${dep.name}.spell`);
        if (existsSync(file)) continue;
        out.push({
          title: TEXT.actionCreateSpell(dep.name), kind: CodeActionKind.QuickFix, diagnostics: toLspDiagnostics([d], doc.line),
          edit: { documentChanges: [
            { kind: 'create', uri: uriOf(file), options: { ignoreIfExists: true } },
            { textDocument: { uri: uriOf(file), version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: newSpellText(dep.name) }] },
          ] },
        });
      }
    }
  }
  const spell = spellAt(analysis, doc.file, range.start.line + 1);
  if (spell && analysis.manifest && sealState(analysis, spell) !== 'sealed') {
    out.push({ title: TEXT.actionSeal(spell.name), kind: CodeActionKind.Source, command: { title: TEXT.actionSeal(spell.name), command: COMMANDS.seal, arguments: [spell.name] } });
  }
  return out;
}

