/**
 * `push` and `pull` of pipeline packages. Push reads the package's layout (every blob checked
 * against its digest), uploads the blobs the store lacks, then the package manifest under its
 * tag, then each signature manifest by digest with its `subject`. Pull fetches the manifest by
 * tag or digest, its blobs (those already in the cache are not fetched again) and the
 * signatures found through the referrers API or its fallback, and verifies the whole as a
 * package (src/package) before anything is cached or written: a refused pull leaves nothing.
 */
import { writeFileSync, renameSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import {
  ANNOTATIONS,
  checkManifest,
  layoutFiles,
  layoutReferrers,
  MEDIA_TYPES,
  PackageCache,
  parseJson,
  readLayout,
  readTar,
  verifyLayoutFiles,
  writeTar,
  type Descriptor,
  type OciIndex,
  type OciManifest,
  PACKAGE_LIMITS,
  type VerifiedPackage,
  BlobSet,
} from '../package/index.js';
import { RegistryMessages } from './constants.js';
import { checkSize } from './verify-bytes.js';
import { RegistryError } from './errors.js';
import { HttpStore, type Credentials } from './http-store.js';
import { LayoutStore } from './layout-store.js';
import { parseReference, type Reference } from './reference.js';
import type { Store, TransferCounters } from './store.js';

export interface StoreOptions {
  credentials?: Credentials;
  plainHttp?: boolean;
  chunkThreshold?: number;
  chunkSize?: number;
  layoutRoot?: string;
}

export function openStore(ref: Reference, options: StoreOptions = {}): Store {
  if (ref.kind === 'layout') return new LayoutStore(ref.dir);
  return new HttpStore({ host: ref.host, repository: ref.repository, plainHttp: ref.plainHttp, credentials: options.credentials, chunkThreshold: options.chunkThreshold, chunkSize: options.chunkSize });
}

export interface PushResult {
  digest: string;
  reference: Reference;
  signatures: number;
  counters: TransferCounters;
}

/** Push a .rmpkg (bytes) to a reference. */
export async function push(pkg: Uint8Array, target: string | Reference, options: StoreOptions = {}): Promise<PushResult> {
  const ref = typeof target === 'string' ? parseReference(target, options) : target;
  const layout = readLayout(readTar(pkg));
  const main = layout.index.manifests.find((d) => d.artifactType === MEDIA_TYPES.pipelineArtifact);
  if (!main) throw new RegistryError('not-package', RegistryMessages.notPackage('the package file', undefined));
  const store = openStore(ref, options);
  const done = new Set<string>();
  const pushManifest = async (d: Descriptor, reference: string) => {
    const m = layout.manifest(d, d.digest);
    for (const b of [m.config, ...m.layers]) {
      if (done.has(b.digest)) continue;
      done.add(b.digest);
      await store.putBlob(b.digest, layout.blob(b, b.digest));
    }
    await store.putManifest(reference, layout.blob(d, d.digest), d.mediaType, m.subject, m.artifactType);
  };
  await pushManifest(main, ref.digest ?? ref.tag!);
  const sigs = layoutReferrers(layout, main.digest);
  for (const s of sigs) await pushManifest(s.descriptor, s.descriptor.digest);
  return { digest: main.digest, reference: ref, signatures: sigs.length, counters: store.counters };
}

export interface PullOptions extends StoreOptions {
  trustedKeys: readonly KeyObject[];
  cache?: PackageCache;
  /** Write the verified package here as a .rmpkg. */
  output?: string;
}

export interface PullResult {
  package: VerifiedPackage;
  reference: Reference;
  counters: TransferCounters;
  /** Blobs taken from the cache instead of the store. */
  cached: number;
}

/** Pull a package, verify it, then cache it and write it out. */
export async function pull(source: string | Reference, options: PullOptions): Promise<PullResult> {
  const ref = typeof source === 'string' ? parseReference(source, options) : source;
  const store = openStore(ref, options);
  // By digest, a package the cache holds whole is verified from there: nothing is asked of the store.
  const held = ref.digest ? options.cache?.getLayout(ref.digest) : undefined;
  if (held) {
    const verified = verifyLayoutFiles(held, { trustedKeys: options.trustedKeys, digest: ref.digest });
    if (options.output) await writeOut(options.output, held);
    return { package: verified, reference: ref, counters: store.counters, cached: held.size - 2 };
  }
  const got = await store.getManifest(ref.digest ?? ref.tag!);
  if (got.mediaType && got.mediaType !== MEDIA_TYPES.ociManifest) throw new RegistryError('not-package', RegistryMessages.notPackage(ref.text, got.mediaType));
  const manifest = checkManifest(parseJson(got.bytes, 'manifest'), 'the package manifest');
  if (manifest.artifactType !== MEDIA_TYPES.pipelineArtifact) throw new RegistryError('not-package', RegistryMessages.notPackage(ref.text, manifest.artifactType));
  const blobs = new BlobSet();
  let cached = 0;
  let total = got.bytes.length;
  const fetch = async (d: Descriptor) => {
    // Once is enough (the empty config is known already).
    if (blobs.blobs.has(d.digest)) return;
    // What the manifests declare is counted before anything is fetched: a registry cannot make us hold more.
    total += d.size;
    checkSize('package', total, PACKAGE_LIMITS.maxPackageBytes);
    const hit = options.cache?.get(d.digest);
    if (hit && hit.length === d.size) {
      cached++;
      blobs.blobs.set(d.digest, hit);
      return;
    }
    blobs.blobs.set(d.digest, await store.getBlob(d));
  };
  const fetchManifest = async (m: OciManifest) => {
    for (const d of [m.config, ...m.layers]) await fetch(d);
  };
  blobs.blobs.set(got.digest, got.bytes);
  await fetchManifest(manifest);
  const mainDesc: Descriptor = { mediaType: MEDIA_TYPES.ociManifest, digest: got.digest, size: got.bytes.length, artifactType: manifest.artifactType, annotations: { [ANNOTATIONS.refName]: ref.tag ?? ref.digest! } };
  const index: OciIndex = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [mainDesc] };
  for (const r of await store.referrers(got.digest)) {
    if (r.artifactType !== undefined && r.artifactType !== MEDIA_TYPES.signatureArtifact) continue;
    let sig;
    try {
      sig = await store.getManifest(r.digest);
    } catch (e) {
      if (e instanceof RegistryError && e.code === 'not-found') continue;
      throw e;
    }
    const sm = checkManifest(parseJson(sig.bytes, 'signature manifest'), 'a signature manifest');
    if (sm.subject?.digest !== got.digest) continue;
    await fetchManifest(sm);
    blobs.blobs.set(sig.digest, sig.bytes);
    index.manifests.push({ mediaType: MEDIA_TYPES.ociManifest, digest: sig.digest, size: sig.bytes.length, artifactType: sm.artifactType });
  }
  const files = layoutFiles(blobs, index);
  // Verify before anything is kept.
  const verified = verifyLayoutFiles(files, { trustedKeys: options.trustedKeys, digest: got.digest });
  options.cache?.putLayout(got.digest, files);
  if (options.output) await writeOut(options.output, files);
  return { package: verified, reference: ref, counters: store.counters, cached };
}

async function writeOut(path: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, await writeTar(files));
  renameSync(tmp, path);
}

