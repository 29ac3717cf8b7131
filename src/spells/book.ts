/**
 * `spell book`: one Markdown book generated from the spellbook, the code and the tests.
 *
 * For every spell (dependencies first): the spell in full glyph notation, as a heading-led
 * spell that `spell check` reads back with the same seal; its implementation contract (each
 * `@Entity` with its signature as the code has it); its dependency chain as a Mermaid graph;
 * its test specification (every bound test, where it is written, and its last result when a
 * vitest report is given); its integration points (subpath export, docs page, imports); and
 * its sealing verification checklist.
 *
 * Everything in the book follows from files in the repository, so it is the same on every
 * machine, except test results: those sit between `<!-- results -->` and `<!-- /results -->`
 * markers and `bookIsCurrent` compares books with those regions emptied, so a book written
 * with or without results, or with another run's results, is not stale for it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { BOOK } from './constants.js';
import { parseSpellText, type LineInfo } from './parse-text.js';
import { decodeSpellSource } from './source.js';
import { spellFileKind } from './files.js';
import type { Clauses, Diagnostic, Spell } from './model.js';
import type { Manifest } from './manifest.js';
import type { SpellIndex } from './rules/graph.js';
import { testBindings } from './rules/mapping.js';
import { declaredEdges, type DependencyAnalysis } from './rules/drift.js';
import { renderCodeGraph } from './graph-output.js';
import { sealOf } from './seal.js';
import { expandGlobs, readModuleExports, readTestTitles, type ExportedSymbol, type SignatureText, type TestResult, type TestTitle } from './code/index.js';

export interface BookInput {
  index: SpellIndex;
  manifest: Manifest;
  analysis: DependencyAnalysis;
  /** Findings of `spell check` over the same spells (for the checklist). */
  diagnostics: Diagnostic[];
  /** Test results to embed, with the name of the report they came from. */
  results?: { label: string; tests: TestResult[] };
}

const RESULTS_BLOCK = /<!-- results -->[\s\S]*?<!-- \/results -->/g;

/** A book with its test-results regions emptied: what `--check` compares. */
export function withoutResults(book: string): string {
  return book.replace(/\r\n?/g, '\n').replace(RESULTS_BLOCK, '<!-- results --><!-- /results -->');
}

/** True when `committed` is the book `generated` would write, test results aside. */
export function bookIsCurrent(committed: string, generated: string): boolean {
  return withoutResults(committed) === withoutResults(generated);
}

const results = (text: string) => `<!-- results -->\n${text}\n<!-- /results -->`;

function posix(path: string): string {
  return path.split(sep).join('/');
}

/** Inline code that survives backticks in its text. */
function code(text: string): string {
  if (!text.includes('`')) return `\`${text}\``;
  return `\`\` ${text} \`\``;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

/** Spells ordered so that each comes after what it depends on (ties and cycles by name). */
/** Each spell's declared dependencies (spell and entity edges, resolved to spells). */
function dependencyMap(index: SpellIndex): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const name of index.spells.keys()) deps.set(name, []);
  for (const edge of declaredEdges(index)) deps.get(edge.from)!.push(edge.to);
  return deps;
}

function bookOrder(index: SpellIndex): Spell[] {
  const deps = dependencyMap(index);
  const done = new Set<string>();
  const out: Spell[] = [];
  const names = [...index.spells.keys()].sort();
  while (out.length < names.length) {
    const ready = names.find((n) => !done.has(n) && [...deps.get(n)!].every((d) => done.has(d))) ?? names.find((n) => !done.has(n))!;
    done.add(ready);
    out.push(index.spells.get(ready)!);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The spell in glyph notation

function clauseLines(c: Clauses, indent: string): string[] {
  const out: string[] = [];
  for (const x of c.contracts) out.push(`${indent}: ${x.input} -> ${x.output}`);
  for (const x of c.guarantees) out.push(`${indent}! ${x.text}`);
  for (const x of c.assumptions) out.push(`${indent}~ ${x.text}`);
  for (const x of c.exclusions) out.push(`${indent}- ${x.text}`);
  for (const x of c.dependencies) out.push(`${indent}> ${x.kind === 'entity' ? '@' : ''}${x.target}`);
  for (const x of c.questions) out.push(`${indent}? ${x.text}`);
  for (const o of c.obligations) out.push(o.kind === 'prove' ? `${indent}$ prove: ${o.text} -> test: ${o.test ?? ''}` : `${indent}$ ${o.kind}: ${o.text}`);
  return out;
}

/** A spell rendered from its model (for spells written in YAML): canonical glyph lines. */
export function spellGlyphLines(spell: Spell): string[] {
  const out: string[] = [];
  for (const intent of spell.intents) out.push(`^ Intent: ${intent.text}`);
  for (const entity of spell.entities) out.push(`@${entity.name}`, ...clauseLines(entity, '  '));
  out.push(...clauseLines(spell, ''));
  for (const section of spell.sections) {
    out.push('', `[${section.name}]`);
    for (const item of section.items) out.push(`- ${item.text}`);
  }
  return out;
}

/** The lines of a text spell as written (comments dropped), or the canonical lines of a YAML one. */
function spellBody(spell: Spell): string[] {
  const file = spell.location.file;
  if (spellFileKind(file) !== 'yaml' && existsSync(file)) {
    const decoded = decodeSpellSource(file, new Uint8Array(readFileSync(file)));
    if (decoded.ok) {
      const parsed = parseSpellText(file, decoded.text, { markdown: spellFileKind(file) === 'markdown' });
      const lines = decoded.text.split(/\r\n|\r|\n/);
      const kinds: LineInfo[] = parsed.lines;
      const body: string[] = [];
      for (let i = spell.location.line; i < spell.endLine && i < lines.length; i++) {
        const kind = kinds[i]?.kind;
        if (kind === 'comment' || kind === 'separator' || kind === 'fence') continue;
        body.push(lines[i].trimEnd());
      }
      while (body.length && body[body.length - 1] === '') body.pop();
      return body;
    }
  }
  return spellGlyphLines(spell);
}

/**
 * The spell as the book writes it: a `## #Spell: Name` heading, then its lines, each ending
 * in two spaces (a Markdown line break, which the spell parser ignores) so the notation shows
 * one glyph line per line.
 */
function spellText(spell: Spell): string {
  const lines = [`## #Spell: ${spell.name}`, ''];
  for (const line of spellBody(spell)) lines.push(line === '' ? '' : `${line}  `);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------
// Implementation contract

function signatureText(name: string, sig: SignatureText): string {
  return `${name}(${sig.params})${sig.returns ? `: ${sig.returns}` : ''}`;
}

function symbolLines(name: string, symbol: ExportedSymbol, root: string): string[] {
  // File, not line: the book should change when the API does, not whenever a line moves.
  const out = [`- **${code(name)}**: ${symbol.kind} in ${code(posix(relative(root, symbol.location.file)))}`];
  const sigs = symbol.overloads ?? (symbol.signature ? [symbol.signature] : []);
  for (const sig of sigs) out.push(`  - ${code(signatureText(name, sig))}`);
  if (symbol.members) {
    const members = Object.entries(symbol.members).sort(([a], [b]) => (a === 'constructor' ? -1 : b === 'constructor' ? 1 : 0));
    for (const [member, sig] of members) out.push(`  - ${code(member === 'constructor' ? signatureText(`new ${name}`, sig) : signatureText(member, sig))}`);
  }
  return out;
}

function contractSection(spell: Spell, input: BookInput): string[] {
  const { manifest } = input;
  const entry = manifest.entries.get(spell.name);
  const module = input.analysis.modules.get(spell.name);
  const out = ['### Implementation contract', ''];
  if (!entry?.modules.length) return [...out, '_No module is mapped to this spell in the manifest._', ''];
  if (!module) return [...out, `Module ${code(entry.modules[0])} does not exist.`, ''];
  const entryFile = posix(relative(manifest.root, module.imports.entry));
  out.push(`Module ${code(entry.modules[0])}, public API ${code(entryFile)}. Each entity the spell declares, with its signatures as the code has them (constructor and public methods for a class) and the spell's own contracts:`, '');
  if (!spell.entities.length) return [...out, '_The spell declares no entities._', ''];
  const exports = readModuleExports(module.imports.entry);
  for (const entity of spell.entities) {
    const symbol = exports.symbols.get(entity.name);
    if (!symbol) { out.push(`- **${code(entity.name)}**: NOT EXPORTED by ${code(entryFile)}`); continue; }
    out.push(...symbolLines(entity.name, symbol, manifest.root));
    for (const c of entity.contracts) out.push(`  - spell contract ${code(`${c.input} -> ${c.output}`)}`);
  }
  out.push('');
  return out;
}

// ---------------------------------------------------------------------------------------
// Dependency chain

const mermaidId = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

function chainSection(spell: Spell, input: BookInput): string[] {
  const { analysis } = input;
  const declared = dependencyMap(input.index);
  // The transitive chain below this spell.
  const chain = new Set<string>([spell.name]);
  const queue = [spell.name];
  while (queue.length) for (const d of declared.get(queue.shift()!) ?? []) if (!chain.has(d)) { chain.add(d); queue.push(d); }
  const users = [...input.index.spells.keys()].filter((n) => declared.get(n)!.includes(spell.name)).sort();
  const out = ['### Dependency chain', ''];
  const lines = ['```mermaid', 'graph LR'];
  for (const n of [...chain].sort()) lines.push(`  ${mermaidId(n)}["${n}"]`);
  for (const n of [...chain].sort()) for (const d of [...declared.get(n)!].sort()) lines.push(`  ${mermaidId(n)} --> ${mermaidId(d)}`);
  lines.push(`  style ${mermaidId(spell.name)} stroke-width:3px`, '```');
  out.push(...lines, '');
  const direct = [...declared.get(spell.name)!].sort();
  out.push(`- Depends on (declared \`>\`): ${direct.length ? direct.map((d) => `[${d}](#${anchor(`#Spell: ${d}`)})`).join(', ') : 'nothing'}`);
  const imports = analysis.code.filter((e) => e.from === spell.name);
  out.push(`- Imports (code): ${imports.length ? imports.map((e) => `${e.to} (${e.imports.length}${e.typeOnly ? `, ${e.typeOnly} type-only` : ''})`).join(', ') : 'no other spell\'s module'}`);
  out.push(`- Used by (declared): ${users.length ? users.join(', ') : 'no spell'}`);
  const drift = analysis.diagnostics.filter((d) => d.spell === spell.name);
  out.push(`- Drift: ${drift.length ? drift.map((d) => `${d.rule}: ${d.message}`).join('; ') : 'none, the edges agree with the imports'}`);
  out.push('');
  return out;
}

// ---------------------------------------------------------------------------------------
// Test specification

function testsSection(spell: Spell, input: BookInput, titles: TestTitle[]): string[] {
  const { manifest } = input;
  const entry = manifest.entries.get(spell.name);
  const bindings = testBindings(spell);
  const claims = new Map<string, string>();
  for (const owner of [spell, ...spell.entities]) for (const o of owner.obligations) if (o.kind === 'prove' && o.test) claims.set(`${o.location.line}`, o.text);
  const out = ['### Test specification', ''];
  out.push(`Test files: ${entry?.tests.length ? entry.tests.map(code).join(', ') : 'none mapped'}. ${bindings.length} bound test${bindings.length === 1 ? '' : 's'}.`, '');
  if (!bindings.length) return out;
  out.push('| # | claim | bound test | file |', '|---|---|---|---|');
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  bindings.forEach((b, i) => {
    const found = titles.find((t) => t.title === b.title || t.fullTitle === b.title);
    const where = found ? code(posix(relative(manifest.root, found.file))) : '**not found**';
    out.push(`| ${i + 1} | ${cell(claims.get(`${b.location.line}`) ?? '[Test Cases]')} | ${cell(b.title)} | ${where} |`);
  });
  out.push('');
  let block: string;
  if (!input.results) block = `_Last results: none embedded (run \`${BOOK.regenerate} --results reports/vitest.json\` after a test run)._`;
  else {
    const rows: string[] = [];
    let passed = 0;
    for (const b of bindings) {
      const r = input.results.tests.filter((t) => t.title === b.title || t.fullTitle === b.title);
      const status = !r.length ? 'not run' : r.every((x) => x.status === 'passed') ? 'passed' : (r.find((x) => x.status !== 'passed')!.status);
      if (status === 'passed') passed++;
      rows.push(`| ${cell(b.title)} | ${status} |`);
    }
    block = [`Last results (${code(input.results.label)}): ${passed} of ${bindings.length} bound tests passed.`, '', '| bound test | result |', '|---|---|', ...rows].join('\n');
  }
  out.push(results(block), '');
  return out;
}

// ---------------------------------------------------------------------------------------
// Integration points

interface PackageInfo {
  name: string;
  exports: Map<string, string>;
}

function packageInfo(root: string): PackageInfo | undefined {
  const path = join(root, 'package.json');
  if (!existsSync(path)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: string; exports?: Record<string, unknown> };
    const exports = new Map<string, string>();
    for (const [key, value] of Object.entries(pkg.exports ?? {})) {
      const target = typeof value === 'string' ? value : typeof value === 'object' && value !== null ? (value as Record<string, unknown>).import ?? (value as Record<string, unknown>).default : undefined;
      if (typeof target === 'string') exports.set(target.replace(/^\.\//, ''), key);
    }
    return { name: pkg.name ?? 'package', exports };
  } catch {
    return undefined;
  }
}

/** The docs page of a module: `docs/<name>.md`, else the first docs page whose name starts with the module's name without a final s. */
function docsPage(root: string, module: string): string | undefined {
  const base = basename(module).replace(/\.ts$/, '');
  const direct = join(root, 'docs', `${base}.md`);
  if (existsSync(direct)) return `docs/${base}.md`;
  const docs = join(root, 'docs');
  if (!existsSync(docs)) return undefined;
  const stem = base.replace(/s$/, '');
  const candidates = readdirSorted(docs).filter((f) => f.endsWith('.md') && f.startsWith(stem) && f !== BOOK.fileName);
  return candidates.length ? `docs/${candidates[0]}` : undefined;
}

function readdirSorted(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function integrationSection(spell: Spell, input: BookInput, pkg: PackageInfo | undefined): string[] {
  const { manifest, analysis } = input;
  const entry = manifest.entries.get(spell.name);
  const module = analysis.modules.get(spell.name);
  const out = ['### Integration points', ''];
  if (!entry?.modules.length || !module) return [...out, '_No module to integrate._', ''];
  const modulePath = entry.modules[0].replace(/\/$/, '').replace(/\.ts$/, '');
  const subpath = pkg?.exports.get(`dist/${modulePath}/index.js`) ?? pkg?.exports.get(`dist/${modulePath}.js`);
  out.push(`- Subpath export: ${subpath ? `${code(`${pkg!.name}${subpath.slice(1)}`)} (${code(`dist/${modulePath}/index.js`)}, with types)` : 'none in package.json'}`);
  const docs = docsPage(manifest.root, modulePath);
  out.push(`- Docs page: ${docs ? `[${docs}](${posix(relative('docs', docs))})` : 'none found'}`);
  const usedBy = analysis.code.filter((e) => e.to === spell.name).map((e) => `${e.from} (${code(posix(relative(manifest.root, e.imports[0].location.file)))})`);
  out.push(`- Imported by: ${usedBy.length ? usedBy.join(', ') : 'no other spell\'s module'}`);
  const packages = new Map<string, { value: boolean }>();
  for (const p of module.imports.packages) {
    const name = p.specifier.startsWith('node:') ? p.specifier : p.specifier.split('/').slice(0, p.specifier.startsWith('@') ? 2 : 1).join('/');
    const was = packages.get(name);
    packages.set(name, { value: (was?.value ?? false) || !p.typeOnly });
  }
  const list = [...packages].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, v]) => `${code(n)}${v.value ? '' : ' (types only)'}`);
  out.push(`- Packages and builtins: ${list.length ? list.join(', ') : 'none'}`);
  out.push(`- Manifest: ${code(posix(relative(manifest.root, manifest.path)))}, tests ${entry.tests.length ? entry.tests.map(code).join(', ') : 'none'}`);
  out.push('');
  return out;
}

// ---------------------------------------------------------------------------------------
// Sealing verification checklist

function checklistSection(spell: Spell, input: BookInput, titles: TestTitle[]): string[] {
  const { manifest } = input;
  const entry = manifest.entries.get(spell.name);
  const box = (ok: boolean, text: string) => `- [${ok ? 'x' : ' '}] ${text}`;
  const own = input.diagnostics.filter((d) => d.spell === spell.name);
  const intentLines = spell.intents.reduce((n, i) => n + i.lines, 0);
  const guarantees = spell.guarantees.length + spell.entities.reduce((n, e) => n + e.guarantees.length, 0) + [spell, ...spell.entities].reduce((n, c) => n + c.obligations.filter((o) => o.kind !== 'forbid').length, 0);
  const exclusions = spell.exclusions.length + spell.entities.reduce((n, e) => n + e.exclusions.length, 0) + [spell, ...spell.entities].reduce((n, c) => n + c.obligations.filter((o) => o.kind === 'forbid').length, 0);
  const questions = spell.questions.length + spell.entities.reduce((n, e) => n + e.questions.length, 0);
  const seal = sealOf(spell);
  const bindings = testBindings(spell);
  const found = bindings.filter((b) => titles.some((t) => t.title === b.title || t.fullTitle === b.title)).length;
  const drift = input.analysis.diagnostics.filter((d) => d.spell === spell.name && d.severity !== 'info');
  const out = ['### Sealing verification checklist', ''];
  out.push(box(spell.intents.length === 1 && intentLines <= 2, `Intent: ${spell.intents.length} intent${spell.intents.length === 1 ? '' : 's'}, ${intentLines} line${intentLines === 1 ? '' : 's'} (one, at most two lines)`));
  out.push(box(questions === 0, `No open questions (${questions})`));
  out.push(box(guarantees > 0, `Guarantees: ${guarantees} (\`!\`, \`$ require\`, \`$ prove\`)`));
  out.push(box(exclusions > 0, `At least one exclusion: ${exclusions}`));
  out.push(box(spell.intents.length === 1 && (entry?.modules.length ?? 0) === 1, `One thing: one intent, one module (${entry?.modules.map(code).join(', ') || 'none'})`));
  out.push(box(entry?.seal === seal, entry?.seal ? (entry.seal === seal ? `Seal hash current: ${code(seal)}` : `Seal hash STALE: recorded ${code(entry.seal)}, now ${code(seal)}`) : `Not sealed (draft); hash would be ${code(seal)}`));
  out.push(box(found === bindings.length, `Bindings name real tests: ${found} of ${bindings.length}`));
  out.push(box(drift.length === 0, `Dependencies agree with the imports${drift.length ? `: ${drift.length} drift finding${drift.length === 1 ? '' : 's'}` : ''}`));
  out.push(box(!own.some((d) => d.severity === 'error'), `\`spell check\` finds no error (${plural(own.filter((d) => d.severity === 'error').length, 'error')}, ${plural(own.filter((d) => d.severity === 'warning').length, 'warning')})`));
  let passing: string;
  if (!input.results) passing = '- [ ] Bindings passing: not verified here (no test results embedded)';
  else {
    const ok = bindings.filter((b) => {
      const r = input.results!.tests.filter((t) => t.title === b.title || t.fullTitle === b.title);
      return r.length > 0 && r.every((x) => x.status === 'passed');
    }).length;
    passing = box(ok === bindings.length, `Bindings passing: ${ok} of ${bindings.length} in ${code(input.results.label)}`);
  }
  out.push(results(passing), '');
  return out;
}

// ---------------------------------------------------------------------------------------

/** Write the whole book. */
export function renderBook(input: BookInput): string {
  const { index, manifest, analysis } = input;
  const spells = bookOrder(index);
  const pkg = packageInfo(manifest.root);
  const sealed = new Set(spells.filter((s) => manifest.entries.get(s.name)?.seal === sealOf(s)).map((s) => s.name));
  const spellDir = posix(relative(manifest.root, join(manifest.path, '..'))) || '.';
  const out: string[] = [];
  out.push(`<!-- Generated by \`spell book\` from ${spellDir}/ and the code it maps to. Do not edit: run \`${BOOK.regenerate}\`. CI runs \`${BOOK.check}\`. -->`);
  out.push('', `# ${BOOK.title}`, '');
  out.push(`Every spell of this project in one book (${spells.length} spells, ${sealed.size} sealed), dependencies first: each spell in full glyph notation, its implementation contract as the code has it, its dependency chain, its test specification, its integration points and its sealing verification checklist. \`spell check ${BOOK.defaultOut}\` reads the spells back from this book with the same seal hashes.`);
  out.push('', '## Contents', '', '| spell | module | seal |', '|---|---|---|');
  for (const spell of spells) {
    const entry = manifest.entries.get(spell.name);
    const state = entry?.seal ? (sealed.has(spell.name) ? `sealed ${code(entry.seal.slice(0, 19))}` : 'STALE') : 'draft';
    out.push(`| [${spell.name}](#${anchor(`#Spell: ${spell.name}`)}) | ${entry?.modules[0] ? code(entry.modules[0]) : '-'} | ${state} |`);
  }
  out.push('', '## Dependency graph', '');
  out.push('Declared `>` edges next to the imports the code really has: solid where they agree, dotted where a spell depends on another through data its caller passes (no import either way), red where they disagree.', '');
  out.push('```mermaid', renderCodeGraph(index, analysis, 'mermaid', sealed).trimEnd(), '```', '');
  const drift = analysis.diagnostics;
  out.push(drift.length ? 'Findings:' : 'No drift: every import between spells\' modules is declared, in the direction the code goes.', '');
  for (const d of drift) out.push(`- ${d.severity} ${code(d.rule)} ${d.message}`);
  if (drift.length) out.push('');
  const titlesBySpell = new Map<string, TestTitle[]>();
  for (const spell of spells) {
    const entry = manifest.entries.get(spell.name);
    const files = entry?.tests.length ? expandGlobs(manifest.root, entry.tests) : [];
    titlesBySpell.set(spell.name, files.length ? readTestTitles(files) : []);
  }
  for (const spell of spells) {
    const titles = titlesBySpell.get(spell.name)!;
    out.push('---', '', spellText(spell), '');
    out.push(...contractSection(spell, input));
    out.push(...chainSection(spell, input));
    out.push(...testsSection(spell, input, titles));
    out.push(...integrationSection(spell, input, pkg));
    out.push(...checklistSection(spell, input, titles));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
