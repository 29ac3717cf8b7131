/**
 * `packPipeline`: a pipeline manifest and the files it names, as a package (.rmpkg): an OCI
 * image layout in a deterministic tar. Layers, in this order: the pipeline manifest as written,
 * each WASM module (a node's `params.module`), each model file (`params.model` or
 * `params.model_path`), and `meta.json` (runtime requirements and provenance as an in-toto
 * Statement). With a key, a DSSE signature over an in-toto Statement naming the package
 * manifest's digest is added as a referrer of it (`subject`). No timestamps anywhere: the same
 * inputs give the same bytes, signed or not (Ed25519 is deterministic, RFC 8032 section 5.1.6).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';
import { loadManifest, ManifestError } from '../pipeline-manifest/index.js';
import { checkModule, SANDBOX_ABI, SandboxError } from '../sandbox/index.js';
import { ANNOTATIONS, IN_TOTO, MEDIA_TYPES, PACKAGE_DEFAULTS, PackageMessages } from './constants.js';
import { signatureStatement, signEnvelope, type Statement } from './dsse.js';
import { PackageError } from './errors.js';
import type { SigningKey } from './keys.js';
import { BlobSet, EMPTY_DESCRIPTOR, jsonBytes, layoutFiles, type Descriptor, type OciIndex, type OciManifest } from './layout.js';
import { writeTar } from './tar.js';

export interface PackOptions {
  /** Sign with this key (Ed25519). */
  key?: SigningKey;
  /** Tag recorded in index.json (org.opencontainers.image.ref.name). Default latest. */
  tag?: string;
  /** Directory the manifest's relative paths are resolved from (default: the manifest's). */
  baseDir?: string;
}

export interface PackedPackage {
  /** The .rmpkg bytes. */
  bytes: Uint8Array;
  /** Digest of the package manifest (what a signature names and a registry stores). */
  digest: string;
  name: string;
  files: Map<string, Uint8Array>;
  signed: boolean;
}

export interface PackageMeta {
  schemaVersion: 1;
  name: string;
  pipelineDigest: string;
  requirements: { sandboxAbi: number; nodes: { id: string; node_type: string; placement?: string; capabilities?: unknown }[] };
  provenance: Statement;
}

const MODULE_PARAMS = ['module'];
const MODEL_PARAMS = ['model', 'model_path'];

function relativeInside(path: string, nodeId: string, field: string): string {
  const n = normalize(path).replace(/\\/g, '/');
  if (isAbsolute(path) || n.startsWith('../') || n === '..' || n.startsWith('/')) {
    throw new PackageError('bad-input', PackageMessages.badInput(`node '${nodeId}' params.${field} '${path}' must be a path inside the manifest's directory`), { path });
  }
  return n;
}

function readInput(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new PackageError('bad-input', PackageMessages.badInput(`cannot read ${path}: ${(e as Error).message}`), { path, cause: e });
  }
}

/** Build the package files and tar from a manifest's bytes; paths it names are read below baseDir. */
export async function packManifest(manifestBytes: Uint8Array, options: PackOptions & { baseDir: string; format?: 'json' | 'yaml' }): Promise<PackedPackage> {
  let loaded;
  try {
    loaded = loadManifest(manifestBytes, { format: options.format });
  } catch (e) {
    if (e instanceof ManifestError) throw new PackageError('bad-manifest', PackageMessages.badManifest(e.message), { cause: e });
    throw e;
  }
  const m = loaded.manifest;
  const name = m.metadata.name || 'pipeline';
  const blobs = new BlobSet();
  const layers: Descriptor[] = [];
  const title = (t: string) => ({ annotations: { [ANNOTATIONS.title]: t } });
  layers.push(blobs.add(manifestBytes, loaded.format === 'yaml' ? MEDIA_TYPES.pipelineManifestYaml : MEDIA_TYPES.pipelineManifestJson, title(loaded.format === 'yaml' ? 'pipeline.yaml' : 'pipeline.json')));
  const seen = new Set<string>();
  for (const [fields, mediaType] of [
    [MODULE_PARAMS, MEDIA_TYPES.wasm],
    [MODEL_PARAMS, MEDIA_TYPES.model],
  ] as const) {
    for (const node of m.nodes) {
      for (const field of fields) {
        const v = node.params[field];
        if (typeof v !== 'string') continue;
        const rel = relativeInside(v, node.id, field);
        if (seen.has(rel)) continue;
        seen.add(rel);
        const bytes = readInput(join(options.baseDir, rel));
        if (mediaType === MEDIA_TYPES.wasm) {
          try {
            await checkModule(bytes, { nodeId: node.id });
          } catch (e) {
            if (e instanceof SandboxError) throw new PackageError('bad-input', PackageMessages.badInput(`${rel}: ${e.message}`), { path: rel, cause: e });
            throw e;
          }
        }
        layers.push(blobs.add(bytes, mediaType, title(rel)));
      }
    }
  }
  const provenance: Statement = {
    _type: IN_TOTO.statementType,
    subject: layers.map((l) => ({ name: l.annotations![ANNOTATIONS.title]!, digest: { sha256: l.digest.slice(7) } })),
    predicateType: IN_TOTO.provenancePredicate,
    predicate: { builder: { id: 'spellbook: spell pack' }, pipeline: { name, digest: loaded.digest } },
  };
  const meta: PackageMeta = {
    schemaVersion: 1,
    name,
    pipelineDigest: loaded.digest,
    requirements: {
      sandboxAbi: SANDBOX_ABI.version,
      nodes: m.nodes.map((n) => ({ id: n.id, node_type: n.node_type, ...(n.execution?.placement ? { placement: n.execution.placement } : {}), ...(n.capabilities ? { capabilities: n.capabilities } : {}) })),
    },
    provenance,
  };
  layers.push(blobs.add(jsonBytes(meta), MEDIA_TYPES.meta, title('meta.json')));
  const manifest: OciManifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, artifactType: MEDIA_TYPES.pipelineArtifact, config: EMPTY_DESCRIPTOR, layers, annotations: { [ANNOTATIONS.title]: name } };
  const manifestDesc = blobs.add(jsonBytes(manifest), MEDIA_TYPES.ociManifest, { artifactType: MEDIA_TYPES.pipelineArtifact });
  const tag = options.tag ?? PACKAGE_DEFAULTS.tag;
  const index: OciIndex = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{ ...manifestDesc, annotations: { [ANNOTATIONS.refName]: tag } }] };
  if (options.key) index.manifests.push(signatureManifest(blobs, manifestDesc, name, options.key));
  const files = layoutFiles(blobs, index);
  return { bytes: await writeTar(files), digest: manifestDesc.digest, name, files, signed: Boolean(options.key) };
}

/** Sign a package manifest: the DSSE envelope blob and a signature manifest with `subject`; returns its descriptor. */
export function signatureManifest(blobs: BlobSet, subject: Descriptor, name: string, key: SigningKey): Descriptor {
  const envelope = signEnvelope(signatureStatement(name, subject.digest), key);
  const envDesc = blobs.add(jsonBytes(envelope), MEDIA_TYPES.dsse, { annotations: { [ANNOTATIONS.title]: 'signature.dsse.json' } });
  const sig: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: MEDIA_TYPES.signatureArtifact,
    config: EMPTY_DESCRIPTOR,
    layers: [envDesc],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  return blobs.add(jsonBytes(sig), MEDIA_TYPES.ociManifest, { artifactType: MEDIA_TYPES.signatureArtifact });
}

/** `spell pack <manifest>`: read the manifest file and the files it names. */
export async function packPipeline(manifestPath: string, options: PackOptions = {}): Promise<PackedPackage> {
  const bytes = readInput(manifestPath);
  const format = /\.ya?ml$/i.test(manifestPath) ? 'yaml' : /\.json$/i.test(manifestPath) ? 'json' : undefined;
  return packManifest(bytes, { ...options, baseDir: options.baseDir ?? dirname(manifestPath), format });
}

export const packageFileName = (name: string) => `${basename(name).replace(/[^A-Za-z0-9._-]/g, '_')}.rmpkg`;
