/**
 * Fuzz targets for what the pipeline reads from outside:
 * - `pipeline.load`: Pipeline.load over mutated manifests (every node type's params checked and
 *   nodes built, nothing run); only ManifestError with a code and a line may escape.
 * - `pipeline.frame`: frameFromJSON over mutated serialised frames (what a remote executor
 *   will send); only PipelineError 'bad-frame' naming the field may escape.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { FuzzTarget } from '../../fuzz/engine.js';
import { ManifestError, ManifestMessages } from '../pipeline-manifest/index.js';
import { PipelineError } from './errors.js';
import { frameFromJSON, frameToJSON, i420Size } from './frame.js';
import { Pipeline } from './pipeline.js';

function manifestSeeds(): Uint8Array[] {
  const url = new URL('./__fixtures__/', import.meta.url);
  return readdirSync(url).filter((n) => /\.(json|ya?ml)$/.test(n)).map((n) => new Uint8Array(readFileSync(new URL(n, url))));
}

function frameSeeds(): Uint8Array[] {
  const t = { mediaTimeUs: 40_000, captureTimeMs: 1_764_633_600_000.5 };
  const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
  return [
    enc(frameToJSON({ kind: 'audio', ...t, sampleRate: 16000, channels: 2, samples: Float32Array.from([0.1, -0.2, 0.3, -0.4]) })),
    enc(frameToJSON({ kind: 'video', ...t, width: 2, height: 2, data: new Uint8Array(i420Size(2, 2)) })),
    enc(frameToJSON({ kind: 'data', ...t, value: { is_silent: true }, bytes: Uint8Array.from([0xfc, 0xff]), contentType: 'audio/opus' })),
    enc(frameToJSON({ kind: 'text', ...t, streamId: 's', text: 'hi' })),
  ];
}

export const targets: FuzzTarget[] = [
  {
    name: 'pipeline.load',
    seeds: manifestSeeds(),
    run(input) {
      return Pipeline.load(input).nodes.length;
    },
    isExpectedError: (e) => e instanceof ManifestError && e.issues.every((i) => Number.isInteger(i.line) || i.code === 'too-large' || i.message === ManifestMessages.notText),
  },
  {
    name: 'pipeline.frame',
    seeds: frameSeeds(),
    run(input) {
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder().decode(input));
      } catch {
        return undefined; // not JSON: the transport's concern, not the frame reader's
      }
      return frameFromJSON(value).kind;
    },
    isExpectedError: (e) => e instanceof PipelineError && e.code === 'bad-frame' && typeof e.field === 'string',
  },
];
