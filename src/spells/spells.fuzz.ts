/**
 * Fuzz targets for the spell readers. The parsers report problems as diagnostics and never
 * throw, so any exception is a failure; `spell fmt` must also stay idempotent and keep
 * every spell's seal on whatever the mutator produces.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { parseSpellSource } from './files.js';
import { FormatError, formatSpellSource } from './fmt.js';
import { sealOf } from './seal.js';
import { decodeSpellSource } from './source.js';
import { parseManifest, parseManifestYaml } from './manifest.js';
import { isDeepStrictEqual } from 'node:util';

function fixtureFiles(dir: string, pattern: RegExp): Uint8Array[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtureFiles(path, pattern);
    return pattern.test(name) ? [new Uint8Array(readFileSync(path))] : [];
  });
}

const FIXTURES = join(import.meta.dirname, '__fixtures__');
const textSeeds = fixtureFiles(FIXTURES, /\.(spell|md)$/);
const yamlSeeds = fixtureFiles(FIXTURES, /\.ya?ml$/);
const never = () => false;

function decoded(input: Uint8Array): string | undefined {
  const d = decodeSpellSource('fuzz', input);
  return d.ok ? d.text : undefined;
}

class FmtBroke extends Error {}
class ManifestReadersDisagree extends Error {}

const manifestSeeds = fixtureFiles(FIXTURES, /^spellbook\.yaml$/);

/** Differential: the manifest line reader must give what the YAML parser gives, on anything. */
function manifestsAgree(text: string): void {
  const fast = parseManifest('/fuzz/spellbook/spellbook.yaml', text);
  const yaml = parseManifestYaml('/fuzz/spellbook/spellbook.yaml', text);
  if (!isDeepStrictEqual({ ...fast, entries: [...fast.entries] }, { ...yaml, entries: [...yaml.entries] })) {
    throw new ManifestReadersDisagree(`manifest readers disagree on ${JSON.stringify(text)}`);
  }
}

export const targets: FuzzTarget[] = [
  { name: 'spell.decode', seeds: textSeeds, run: (input) => decodeSpellSource('fuzz.spell', input), isExpectedError: never },
  {
    name: 'spell.parse-text',
    seeds: textSeeds,
    run: (input) => { const text = decoded(input); if (text !== undefined) parseSpellSource('fuzz.spell', text); },
    isExpectedError: never,
  },
  {
    name: 'spell.parse-markdown',
    seeds: textSeeds,
    run: (input) => { const text = decoded(input); if (text !== undefined) parseSpellSource('fuzz.md', text); },
    isExpectedError: never,
  },
  {
    name: 'spell.parse-yaml',
    seeds: yamlSeeds,
    run: (input) => { const text = decoded(input); if (text !== undefined) parseSpellSource('fuzz.spell.yaml', text); },
    isExpectedError: never,
  },
  {
    name: 'spell.manifest',
    seeds: manifestSeeds,
    run: (input) => { const text = decoded(input); if (text !== undefined) manifestsAgree(text); },
    isExpectedError: never,
  },
  {
    name: 'spell.fmt-idempotent',
    seeds: textSeeds,
    run: (input) => {
      const text = decoded(input);
      if (text === undefined) return;
      let once: string;
      try {
        once = formatSpellSource('fuzz.spell', text);
      } catch (error) {
        if (error instanceof FormatError) return; // files with syntax errors are refused, unchanged
        throw error;
      }
      if (formatSpellSource('fuzz.spell', once) !== once) throw new FmtBroke(`fmt is not idempotent: ${JSON.stringify(text)}`);
      const before = parseSpellSource('fuzz.spell', text).spells.map(sealOf).join();
      const after = parseSpellSource('fuzz.spell', once).spells.map(sealOf).join();
      if (before !== after) throw new FmtBroke(`fmt changed a seal: ${JSON.stringify(text)}`);
    },
    isExpectedError: never,
  },
];
