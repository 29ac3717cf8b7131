/** Finding spell files under the paths given to `spell check` and reading them into spells. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGES, RULES, SPELL_FILE_SUFFIXES } from './constants.js';
import type { Diagnostic, ParsedFile } from './model.js';
import { parseSpellText } from './parse-text.js';
import { parseSpellYaml } from './parse-yaml.js';
import { decodeSpellSource } from './source.js';

const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage']);

export type SpellFileKind = 'spell' | 'markdown' | 'yaml';

export function spellFileKind(path: string): SpellFileKind {
  if (/\.ya?ml$/i.test(path)) return 'yaml';
  if (/\.md$/i.test(path)) return 'markdown';
  return 'spell';
}

function isSpellFile(name: string): boolean {
  if (name === 'spellbook.yaml') return false; // the manifest
  return SPELL_FILE_SUFFIXES.some((suffix) => name.endsWith(suffix));
}

export interface CollectedFiles {
  files: string[];
  diagnostics: Diagnostic[];
}

/** Expand files and folders (recursively) into spell files, sorted, without duplicates. */
export function collectSpellFiles(paths: string[]): CollectedFiles {
  const files = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(join(dir, entry.name));
      } else if (entry.isFile() && isSpellFile(entry.name)) files.add(join(dir, entry.name));
    }
  };
  for (const path of paths) {
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      diagnostics.push({ rule: RULES.fileUnreadable.id, severity: 'error', message: MESSAGES.fileUnreadable((error as NodeJS.ErrnoException).code ?? String(error)), location: { file: path, line: 1, column: 1 } });
      continue;
    }
    if (stat.isDirectory()) walk(path);
    else files.add(path);
  }
  return { files: [...files].sort(), diagnostics };
}

/** Parse text already in memory as the kind of spell file its name says. */
export function parseSpellSource(file: string, text: string): ParsedFile {
  const kind = spellFileKind(file);
  return kind === 'yaml' ? parseSpellYaml(file, text) : parseSpellText(file, text, { markdown: kind === 'markdown' });
}

/** Read and parse one spell file; unreadable or undecodable files give one diagnostic. */
export function readSpellFile(file: string): ParsedFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const diagnostic = { rule: RULES.fileUnreadable.id, severity: 'error' as const, message: MESSAGES.fileUnreadable((error as NodeJS.ErrnoException).code ?? String(error)), location: { file, line: 1, column: 1 } };
    return { file, spells: [], diagnostics: [diagnostic] };
  }
  const decoded = decodeSpellSource(file, bytes);
  if (!decoded.ok) return { file, spells: [], diagnostics: [decoded.diagnostic] };
  return parseSpellSource(file, decoded.text);
}
