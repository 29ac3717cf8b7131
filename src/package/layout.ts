/**
 * OCI image layout (image-spec v1.1, image-layout.md): `oci-layout`, `index.json` and
 * `blobs/sha256/<hex>`; manifests and descriptors (manifest.md, descriptor.md), with
 * `artifactType` and `subject` (referrers). JSON is written with a fixed key order, so the
 * same content gives the same digests. Reading checks every blob against its name and every
 * descriptor against its blob.
 */
import { createHash } from 'node:crypto';
import { EMPTY_BLOB, EMPTY_DIGEST, MEDIA_TYPES, PACKAGE_LIMITS, PackageMessages } from './constants.js';
import { PackageError } from './errors.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface OciIndex {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
}

export const OCI_LAYOUT = new TextEncoder().encode('{"imageLayoutVersion":"1.0.0"}');

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export const jsonBytes = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

export const EMPTY_DESCRIPTOR: Descriptor = { mediaType: MEDIA_TYPES.empty, digest: EMPTY_DIGEST, size: 2 };

/** Content-addressed blobs of one package. */
export class BlobSet {
  readonly blobs = new Map<string, Uint8Array>([[EMPTY_DIGEST, EMPTY_BLOB]]);
  add(bytes: Uint8Array, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length, ...extra };
  }
}

export function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

/** The files of a layout. */
export function layoutFiles(blobs: BlobSet, index: OciIndex): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([
    ['oci-layout', OCI_LAYOUT],
    ['index.json', jsonBytes(index)],
  ]);
  for (const [digest, bytes] of blobs.blobs) files.set(blobPath(digest), bytes);
  return files;
}

const badLayout = (why: string, path?: string) => new PackageError('bad-layout', PackageMessages.badLayout(why), { path });

export function parseJson<T>(bytes: Uint8Array, path: string): T {
  if (bytes.length > PACKAGE_LIMITS.maxJsonBytes) throw new PackageError('too-large', PackageMessages.tooLarge(path, bytes.length, PACKAGE_LIMITS.maxJsonBytes), { path });
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as T;
  } catch (e) {
    throw badLayout(`${path} is not JSON: ${(e as Error).message}`, path);
  }
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function checkDescriptor(d: unknown, where: string): Descriptor {
  const x = d as Descriptor;
  if (typeof x !== 'object' || x === null || typeof x.mediaType !== 'string' || typeof x.digest !== 'string' || !DIGEST.test(x.digest) || !Number.isSafeInteger(x.size) || x.size < 0) {
    throw badLayout(`${where} is not a descriptor with mediaType, sha256 digest and size`, where);
  }
  if (x.artifactType !== undefined && typeof x.artifactType !== 'string') throw badLayout(`${where}.artifactType is not a string`, where);
  if (x.annotations !== undefined && (typeof x.annotations !== 'object' || x.annotations === null || Object.values(x.annotations).some((v) => typeof v !== 'string'))) {
    throw badLayout(`${where}.annotations must map strings to strings`, where);
  }
  return x;
}

export function checkManifest(v: unknown, where: string): OciManifest {
  const m = v as OciManifest;
  if (typeof m !== 'object' || m === null || m.schemaVersion !== 2 || m.mediaType !== MEDIA_TYPES.ociManifest || !Array.isArray(m.layers)) {
    throw badLayout(`${where} is not an OCI image manifest (schemaVersion 2, ${MEDIA_TYPES.ociManifest}, layers)`, where);
  }
  if (m.layers.length > PACKAGE_LIMITS.maxLayers) throw new PackageError('too-large', PackageMessages.tooLarge(`${where} layer count`, m.layers.length, PACKAGE_LIMITS.maxLayers), { path: where });
  checkDescriptor(m.config, `${where}.config`);
  m.layers.forEach((l, i) => checkDescriptor(l, `${where}.layers[${i}]`));
  if (m.subject !== undefined) checkDescriptor(m.subject, `${where}.subject`);
  return m;
}

/** A layout read from files: every blob's digest checked, descriptors resolved through `blob()`. */
export class Layout {
  constructor(
    readonly index: OciIndex,
    readonly blobs: ReadonlyMap<string, Uint8Array>,
  ) {}

  /** The blob of a descriptor, checked for presence and size (digests were checked on read). */
  blob(d: Descriptor, where: string): Uint8Array {
    const b = this.blobs.get(d.digest);
    if (!b) throw badLayout(`${where} names ${d.digest}, which is not in blobs/`, blobPath(d.digest));
    if (b.length !== d.size) throw new PackageError('digest-mismatch', PackageMessages.digestMismatch(`${where} says ${d.size} bytes, blob ${d.digest} has ${b.length}`), { path: blobPath(d.digest) });
    return b;
  }

  manifest(d: Descriptor, where: string): OciManifest {
    return checkManifest(parseJson(this.blob(d, where), blobPath(d.digest)), blobPath(d.digest));
  }
}

/** Check a layout's files: only oci-layout, index.json and blobs/sha256/<hex>, each blob matching its name. */
export function readLayout(files: ReadonlyMap<string, Uint8Array>): Layout {
  const layoutFile = files.get('oci-layout');
  if (!layoutFile) throw badLayout('no oci-layout file', 'oci-layout');
  if (parseJson<{ imageLayoutVersion?: unknown }>(layoutFile, 'oci-layout')?.imageLayoutVersion !== '1.0.0') throw badLayout('oci-layout is not version 1.0.0', 'oci-layout');
  const indexFile = files.get('index.json');
  if (!indexFile) throw badLayout('no index.json', 'index.json');
  const index = parseJson<OciIndex>(indexFile, 'index.json');
  if (typeof index !== 'object' || index === null || index.schemaVersion !== 2 || !Array.isArray(index.manifests)) throw badLayout('index.json is not an OCI image index (schemaVersion 2, manifests)', 'index.json');
  index.manifests.forEach((d, i) => checkDescriptor(d, `index.json manifests[${i}]`));
  const blobs = new Map<string, Uint8Array>();
  for (const [path, bytes] of files) {
    if (path === 'oci-layout' || path === 'index.json') continue;
    const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(path);
    if (!m) throw badLayout(`unexpected file '${path}' (a layout holds oci-layout, index.json and blobs/sha256/<hex>)`, path);
    const actual = sha256(bytes);
    if (actual !== `sha256:${m[1]}`) throw new PackageError('digest-mismatch', PackageMessages.digestMismatch(`${path} holds content with digest ${actual}`), { path });
    blobs.set(actual, bytes);
  }
  return new Layout(index, blobs);
}
