/**
 * Fuzz target for the manifest reader: `pipeline-manifest.load` feeds mutated RemoteMedia-style
 * manifests (JSON and YAML, seeded from the module's and the pipeline's fixtures) to
 * loadManifest with a small registry. The only error allowed out is ManifestError whose every
 * issue has a stable code and a location (a line; none only for an oversized or non-UTF-8 input).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { Messages } from './constants.js';
import { ManifestError } from './errors.js';
import { loadManifest } from './parse.js';
import type { NodeTypeRegistry, NodeTypeSpec } from './params.js';

const REGISTRY: NodeTypeRegistry = new Map<string, NodeTypeSpec>([
  ['PassThrough', { summary: 'pass', params: {} }],
  ['AudioChunkerNode', { summary: 'chunk', params: { chunk_size: { type: 'integer', aliases: ['chunkSize'], default: 512, minimum: 1, maximum: 65536 } } }],
  ['FastResampleNode', { summary: 'resample', params: { target_rate: { type: 'integer', aliases: ['targetRate'], orStrings: ['auto'] }, quality: { type: 'string', enum: ['Low', 'Medium', 'High'], default: 'Medium' } } }],
  ['AudioLevelNode', { summary: 'level', params: { silence_threshold_db: { type: 'number', default: -60 } } }],
]);

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const dir of ['./__fixtures__/', '../pipeline/__fixtures__/']) {
    const url = new URL(dir, import.meta.url);
    for (const name of readdirSync(url)) if (/\.(json|ya?ml)$/.test(name)) out.push(new Uint8Array(readFileSync(new URL(name, url))));
  }
  return out;
}

export function isManifestError(e: unknown): boolean {
  return e instanceof ManifestError && e.issues.length > 0 && e.issues.every((i) => typeof i.code === 'string' && (Number.isInteger(i.line) && i.line! >= 1 || i.code === 'too-large' || i.message === Messages.notText));
}

export const targets: FuzzTarget[] = [
  {
    name: 'pipeline-manifest.load',
    seeds: seeds(),
    run(input) {
      return loadManifest(input, { registry: REGISTRY }).digest;
    },
    isExpectedError: isManifestError,
  },
];
