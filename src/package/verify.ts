/**
 * Verify before load, always. A package (a .rmpkg tar, or the files of a layout from a
 * directory or a registry) is checked in this order, each failure its own error:
 * 1. the archive: regular files only, no link, no absolute path, no `..` (path-escape, bad-archive);
 * 2. the layout: oci-layout, index.json, blobs named by their SHA-256 (bad-layout, digest-mismatch);
 * 3. the package manifest: the one index entry with artifactType pipeline, its layers present
 *    with their sizes (bad-layout, digest-mismatch);
 * 4. its signature: a referrer (a manifest whose subject is the package manifest) holding a DSSE
 *    envelope signed by a trusted key over a Statement naming the package manifest's digest
 *    (signature-missing, signature-untrusted, signature-invalid);
 * 5. the pipeline manifest it carries (bad-manifest).
 * Only then are the contents returned. Synchronous, so the whole reader is fuzzed.
 */
import type { KeyObject } from 'node:crypto';
import { loadManifest, ManifestError, type LoadedManifest } from '../pipeline-manifest/index.js';
import { ANNOTATIONS, MEDIA_TYPES, PackageMessages } from './constants.js';
import { parseEnvelope, verifyEnvelope } from './dsse.js';
import { PackageError } from './errors.js';
import { blobPath, parseJson, readLayout, type Descriptor, type Layout, type OciManifest } from './layout.js';
import type { PackageMeta } from './pack.js';
import { readTar } from './tar.js';

export interface VerifyOptions {
  /** Keys trusted for this package (from --key, or trustedKeys(policy, scope)). */
  trustedKeys: readonly KeyObject[];
  /** Pick the package manifest by this digest (a registry pull) instead of by artifactType. */
  digest?: string;
}

export interface VerifiedPackage {
  /** Digest of the package manifest. */
  digest: string;
  name: string;
  tag?: string;
  manifest: OciManifest;
  pipeline: LoadedManifest;
  pipelineBytes: Uint8Array;
  /** WASM modules by the path the manifest names them with. */
  modules: Map<string, Uint8Array>;
  models: Map<string, Uint8Array>;
  meta: PackageMeta;
  /** Key id of the trusted key whose signature verified. */
  signedBy: string;
  /** Every file of the layout (for a cache or a push). */
  files: ReadonlyMap<string, Uint8Array>;
}

/** Verify a .rmpkg archive. */
export function verifyPackage(archive: Uint8Array, options: VerifyOptions): VerifiedPackage {
  return verifyLayoutFiles(readTar(archive), options);
}

function findPackageManifest(layout: Layout, digest?: string): Descriptor {
  const found = layout.index.manifests.filter((d) => (digest ? d.digest === digest : d.artifactType === MEDIA_TYPES.pipelineArtifact));
  if (found.length === 0) throw new PackageError('bad-layout', PackageMessages.badLayout(digest ? `index.json lists no manifest ${digest}` : `index.json lists no manifest with artifactType ${MEDIA_TYPES.pipelineArtifact}`), { path: 'index.json' });
  if (found.length > 1) throw new PackageError('bad-layout', PackageMessages.badLayout('index.json lists more than one pipeline package'), { path: 'index.json' });
  return found[0]!;
}

/** The referrers of `digest` in a layout: manifests in index.json whose subject names it. */
export function layoutReferrers(layout: Layout, digest: string): { descriptor: Descriptor; manifest: OciManifest }[] {
  const out: { descriptor: Descriptor; manifest: OciManifest }[] = [];
  for (const [i, d] of layout.index.manifests.entries()) {
    if (d.mediaType !== MEDIA_TYPES.ociManifest || d.digest === digest) continue;
    const m = layout.manifest(d, `index.json manifests[${i}]`);
    if (m.subject?.digest === digest) out.push({ descriptor: d, manifest: m });
  }
  return out;
}

/** Verify the files of a layout. */
export function verifyLayoutFiles(files: ReadonlyMap<string, Uint8Array>, options: VerifyOptions): VerifiedPackage {
  const layout = readLayout(files);
  const desc = findPackageManifest(layout, options.digest);
  if (desc.mediaType !== MEDIA_TYPES.ociManifest) throw new PackageError('bad-layout', PackageMessages.badLayout(`the package is a ${desc.mediaType}, not an OCI image manifest`), { path: 'index.json' });
  const manifest = layout.manifest(desc, 'the package manifest');
  if (manifest.artifactType !== MEDIA_TYPES.pipelineArtifact) throw new PackageError('bad-layout', PackageMessages.badLayout(`the package manifest's artifactType is ${String(manifest.artifactType)}`), { path: blobPath(desc.digest) });

  // Signature first: nothing of the package is interpreted before it verifies.
  const sigs = layoutReferrers(layout, desc.digest).filter((r) => r.manifest.artifactType === MEDIA_TYPES.signatureArtifact);
  if (sigs.length === 0) throw new PackageError('signature-missing', PackageMessages.signatureMissing(`no signature refers to the package manifest ${desc.digest}`), { path: blobPath(desc.digest) });
  let signedBy: string | undefined;
  let firstError: PackageError | undefined;
  for (const s of sigs) {
    const env = s.manifest.layers.find((l) => l.mediaType === MEDIA_TYPES.dsse);
    if (!env) {
      firstError ??= new PackageError('signature-invalid', PackageMessages.signatureInvalid(`signature manifest ${s.descriptor.digest} holds no DSSE envelope`), { path: blobPath(s.descriptor.digest) });
      continue;
    }
    try {
      const path = blobPath(env.digest);
      signedBy = verifyEnvelope(parseEnvelope(layout.blob(env, 'the signature envelope'), path), options.trustedKeys, desc.digest, path).keyId;
      break;
    } catch (e) {
      if (!(e instanceof PackageError)) throw e;
      // An invalid signature is worse news than an untrusted one: report it first.
      if (!firstError || (e.code === 'signature-invalid' && firstError.code !== 'signature-invalid')) firstError = e;
    }
  }
  if (!signedBy) throw firstError!;

  const byTitle = (mediaTypes: readonly string[]) => {
    const out = new Map<string, Uint8Array>();
    manifest.layers.forEach((l, i) => {
      if (!mediaTypes.includes(l.mediaType)) return;
      const t = l.annotations?.[ANNOTATIONS.title] ?? l.digest;
      out.set(t, layout.blob(l, `the package manifest's layers[${i}] (${t})`));
    });
    return out;
  };
  const pipelines = byTitle([MEDIA_TYPES.pipelineManifestJson, MEDIA_TYPES.pipelineManifestYaml]);
  const metas = byTitle([MEDIA_TYPES.meta]);
  if (pipelines.size !== 1 || metas.size !== 1) throw new PackageError('bad-layout', PackageMessages.badLayout(`the package manifest needs one pipeline manifest layer and one meta layer (has ${pipelines.size} and ${metas.size})`), { path: blobPath(desc.digest) });
  const [pipelineTitle, pipelineBytes] = [...pipelines][0]!;
  let pipeline: LoadedManifest;
  try {
    pipeline = loadManifest(pipelineBytes, { format: pipelineTitle.endsWith('.yaml') ? 'yaml' : 'json' });
  } catch (e) {
    if (e instanceof ManifestError) throw new PackageError('bad-manifest', PackageMessages.badManifest(e.message), { path: pipelineTitle, cause: e });
    throw e;
  }
  const meta = parseJson<PackageMeta>([...metas.values()][0]!, 'meta.json');
  if (typeof meta !== 'object' || meta === null || meta.schemaVersion !== 1) throw new PackageError('bad-layout', PackageMessages.badLayout('meta.json is not schemaVersion 1'), { path: 'meta.json' });
  return {
    digest: desc.digest,
    name: manifest.annotations?.[ANNOTATIONS.title] ?? pipeline.manifest.metadata.name,
    tag: desc.annotations?.[ANNOTATIONS.refName],
    manifest,
    pipeline,
    pipelineBytes,
    modules: byTitle([MEDIA_TYPES.wasm]),
    models: byTitle([MEDIA_TYPES.model]),
    meta,
    signedBy,
    files,
  };
}
