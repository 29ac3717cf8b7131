/**
 * Mapping rules: a spell names the module implementing it (manifest), the module exists
 * and exports every declared `@Entity` (read from the TypeScript source, never run),
 * contracts match the exported signatures (warning), and every bound test exists in the
 * mapped test files and, given a vitest JSON report, passed.
 */
import { relative } from 'node:path';
import { MESSAGES, RULES } from '../constants.js';
import type { Diagnostic, Location, Spell } from '../model.js';
import type { Manifest, ManifestEntry } from '../manifest.js';
import { isDirectory, isFile } from '../code/file-cache.js';
import { joinPath } from '../code/paths.js';
import { contractFits, expandGlobs, readModuleExports, readTestTitles, type TestResult, type TestTitle } from '../code/index.js';

export interface TestEvidence {
  /** Results from a vitest JSON report, when `--results` was given. */
  results?: TestResult[];
}

/** A test binding: `$ prove: X -> test: Y` or a `[Test Cases]` item. */
export interface TestBinding {
  title: string;
  location: Location;
}

export function testBindings(spell: Spell): TestBinding[] {
  const out: TestBinding[] = [];
  for (const owner of [spell, ...spell.entities]) {
    for (const o of owner.obligations) if (o.kind === 'prove' && o.test) out.push({ title: o.test, location: o.location });
  }
  for (const section of spell.sections) {
    if (/^test[ _-]?cases?$/i.test(section.name.trim())) for (const item of section.items) out.push({ title: item.text, location: item.location });
  }
  return out;
}

function resolveModule(root: string, module: string): string | undefined {
  const path = joinPath(root, module);
  if (isDirectory(path)) {
    const index = joinPath(path, 'index.ts');
    return isFile(index) ? index : undefined;
  }
  if (isFile(path)) return path;
  if (isFile(path + '.ts')) return path + '.ts';
  return undefined;
}

/** The manifest's path as findings show it (relative to the working folder), worked out once per folder and path. */
const displayNames = new Map<string, string>();
function displayName(path: string): string {
  const cwd = process.cwd(); // the language server may change it
  const key = `${cwd}\0${path}`;
  let name = displayNames.get(key);
  if (name === undefined) {
    name = relative(cwd, path) || path;
    displayNames.set(key, name);
  }
  return name;
}

function matches(title: string, t: { title: string; fullTitle: string }): boolean {
  return t.title === title || t.fullTitle === title;
}

export function checkMapping(spell: Spell, manifest: Manifest, evidence: TestEvidence): Diagnostic[] {
  const out: Diagnostic[] = [];
  const push = (rule: { id: string; severity: 'error' | 'warning' }, message: string, location: Location) =>
    out.push({ rule: rule.id, severity: rule.severity, message, location, spell: spell.name });
  const entry: ManifestEntry | undefined = manifest.entries.get(spell.name);
  const manifestName = displayName(manifest.path);
  if (!entry || entry.modules.length === 0) {
    push(RULES.noModule, MESSAGES.noModule(manifestName), spell.location);
    return out;
  }

  // Code: every entity exported, contracts in line with signatures.
  const module = entry.modules[0];
  const entryFile = resolveModule(manifest.root, module);
  if (!entryFile) {
    push(RULES.moduleMissing, MESSAGES.moduleMissing(module), entry.location);
  } else if (spell.entities.length) {
    const exports = readModuleExports(entryFile);
    for (const entity of spell.entities) {
      const symbol = exports.symbols.get(entity.name);
      if (!symbol) { push(RULES.entityNotExported, MESSAGES.entityNotExported(entity.name, module), entity.location); continue; }
      for (const contract of entity.contracts) {
        const fit = contractFits(contract, symbol);
        if (!fit.fits) push(RULES.contractDrift, MESSAGES.contractDrift(entity.name, fit.expected, fit.actual), contract.location);
      }
    }
  }

  // Tests: every binding names a real test, and passed when results are given.
  const bindings = testBindings(spell);
  if (!bindings.length) return out;
  const files = expandGlobs(manifest.root, entry.tests);
  const titles: TestTitle[] = files.length ? readTestTitles(files) : [];
  const whereTests = entry.tests.length ? entry.tests.join(', ') : `no test files (add 'tests:' for ${spell.name} in ${manifestName})`;
  const inMappedFiles = (r: TestResult) => files.some((f) => r.file === f || r.file.endsWith('/' + relative(manifest.root, f)));
  for (const binding of bindings) {
    const found = titles.filter((t) => matches(binding.title, t));
    if (!found.length) { push(RULES.testMissing, MESSAGES.testMissing(binding.title, whereTests), binding.location); continue; }
    if (!evidence.results) continue;
    const results = evidence.results.filter((r) => matches(binding.title, r) && inMappedFiles(r));
    if (!results.length) push(RULES.testNotRun, MESSAGES.testNotRun(binding.title), binding.location);
    else {
      const bad = results.find((r) => r.status !== 'passed');
      if (bad) push(RULES.testFailed, MESSAGES.testFailed(binding.title, bad.status), binding.location);
    }
  }
  return out;
}
