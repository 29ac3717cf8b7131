/**
 * A local OCI image layout directory as a store (image-spec v1.1, image-layout.md): blobs in
 * `blobs/sha256/<hex>` (written atomically), tags as `org.opencontainers.image.ref.name`
 * annotations in `index.json`, referrers found by the `subject` of the manifests listed there.
 * The default registry on one machine: nothing to start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANNOTATIONS, blobPath, checkDescriptor, MEDIA_TYPES, OCI_LAYOUT, sha256, type Descriptor, type OciIndex } from '../package/index.js';
import { RegistryMessages } from './constants.js';
import { RegistryError } from './errors.js';
import { newCounters, type ManifestResponse, type Store } from './store.js';
import { checkBlob, DIGEST_RE } from './verify-bytes.js';

export class LayoutStore implements Store {
  readonly counters = newCounters();
  constructor(readonly dir: string) {}

  #write(path: string, bytes: Uint8Array): void {
    mkdirSync(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  }

  #index(): OciIndex {
    const path = join(this.dir, 'index.json');
    if (!existsSync(path)) return { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] };
    const ix = JSON.parse(readFileSync(path, 'utf8')) as OciIndex;
    ix.manifests.forEach((d, i) => checkDescriptor(d, `${path} manifests[${i}]`));
    return ix;
  }

  #saveIndex(ix: OciIndex): void {
    mkdirSync(this.dir, { recursive: true });
    if (!existsSync(join(this.dir, 'oci-layout'))) this.#write(join(this.dir, 'oci-layout'), OCI_LAYOUT);
    this.#write(join(this.dir, 'index.json'), new TextEncoder().encode(JSON.stringify(ix)));
  }

  async hasBlob(digest: string): Promise<boolean> {
    return DIGEST_RE.test(digest) && existsSync(join(this.dir, blobPath(digest)));
  }

  async putBlob(digest: string, bytes: Uint8Array): Promise<void> {
    if (sha256(bytes) !== digest) throw new RegistryError('upload-failed', RegistryMessages.uploadFailed(digest, 'the bytes do not hash to the digest'));
    if (await this.hasBlob(digest)) {
      this.counters.blobsSkipped++;
      return;
    }
    this.#write(join(this.dir, blobPath(digest)), bytes);
    this.counters.blobsUploaded++;
    this.counters.bytesUploaded += bytes.length;
  }

  async getBlob(d: Descriptor): Promise<Uint8Array> {
    if (!DIGEST_RE.test(d.digest)) throw new RegistryError('not-found', RegistryMessages.notFound(d.digest));
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(join(this.dir, blobPath(d.digest))));
    } catch {
      throw new RegistryError('not-found', RegistryMessages.notFound(`blob ${d.digest} in ${this.dir}`));
    }
    this.counters.blobsDownloaded++;
    this.counters.bytesDownloaded += bytes.length;
    return checkBlob(d, bytes);
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string, _subject?: Descriptor, artifactType?: string): Promise<void> {
    const digest = sha256(bytes);
    await this.putBlob(digest, bytes);
    const ix = this.#index();
    const desc: Descriptor = { mediaType, digest, size: bytes.length, ...(artifactType ? { artifactType } : {}) };
    if (DIGEST_RE.test(reference)) {
      if (!ix.manifests.some((d) => d.digest === digest && !d.annotations?.[ANNOTATIONS.refName])) ix.manifests.push(desc);
    } else {
      ix.manifests = ix.manifests.filter((d) => d.annotations?.[ANNOTATIONS.refName] !== reference);
      ix.manifests.push({ ...desc, annotations: { [ANNOTATIONS.refName]: reference } });
    }
    this.#saveIndex(ix);
  }

  async getManifest(reference: string): Promise<ManifestResponse> {
    const ix = this.#index();
    const d = DIGEST_RE.test(reference) ? ix.manifests.find((m) => m.digest === reference) : ix.manifests.find((m) => m.annotations?.[ANNOTATIONS.refName] === reference);
    if (!d) throw new RegistryError('not-found', RegistryMessages.notFound(`${reference} in ${this.dir}`));
    const bytes = await this.getBlob(d);
    return { bytes, mediaType: d.mediaType, digest: d.digest };
  }

  async referrers(digest: string): Promise<Descriptor[]> {
    const out: Descriptor[] = [];
    for (const d of this.#index().manifests) {
      if (d.mediaType !== MEDIA_TYPES.ociManifest || d.digest === digest) continue;
      try {
        const m = JSON.parse(readFileSync(join(this.dir, blobPath(d.digest)), 'utf8')) as { subject?: { digest?: string } };
        if (m.subject?.digest === digest) out.push(d);
      } catch {
        // A missing or unreadable manifest is no referrer.
      }
    }
    return out;
  }
}
