/**
 * Test helper: tampering with a package in a registry as an attacker with write access would.
 * `swapModelLayer` replaces the model layer under the tag (a new blob, the manifest changed, so
 * the old signature no longer refers to it); `repointSignature` then re-points the old signature
 * manifest at the changed manifest (its statement still names the original digest).
 */
import { blobPath, jsonBytes, MEDIA_TYPES, sha256, type OciManifest, type PackedPackage } from '../../package/index.js';
import { HttpStore } from '../index.js';

export async function swapModelLayer(host: string, repository: string, tag: string, pkg: PackedPackage): Promise<Uint8Array> {
  const store = new HttpStore({ host, repository, plainHttp: true });
  const m = JSON.parse(Buffer.from(pkg.files.get(blobPath(pkg.digest))!).toString()) as OciManifest;
  const evil = new TextEncoder().encode('evil weights');
  await store.putBlob(sha256(evil), evil);
  const i = m.layers.findIndex((l) => l.mediaType === MEDIA_TYPES.model);
  m.layers[i] = { ...m.layers[i]!, digest: sha256(evil), size: evil.length };
  const changed = jsonBytes(m);
  await store.putManifest(tag, changed, MEDIA_TYPES.ociManifest);
  return changed;
}

export async function repointSignature(host: string, repository: string, pkg: PackedPackage, changed: Uint8Array): Promise<void> {
  const store = new HttpStore({ host, repository, plainHttp: true });
  const index = JSON.parse(Buffer.from(pkg.files.get('index.json')!).toString()) as { manifests: { digest: string; artifactType?: string }[] };
  const sigDigest = index.manifests.find((d) => d.artifactType === MEDIA_TYPES.signatureArtifact)!.digest;
  const sig = JSON.parse(Buffer.from(pkg.files.get(blobPath(sigDigest))!).toString()) as OciManifest;
  sig.subject = { mediaType: MEDIA_TYPES.ociManifest, digest: sha256(changed), size: changed.length };
  const sigBytes = jsonBytes(sig);
  await store.putManifest(sha256(sigBytes), sigBytes, MEDIA_TYPES.ociManifest, sig.subject, sig.artifactType);
}
