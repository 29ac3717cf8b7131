/**
 * Signed packages on an executor (issue #11): a session may run a package instead of a
 * manifest. The executor resolves what the caller names, by its own trust, never the caller's:
 *
 * - `oci://host[:port]/repository[:tag|@sha256:...]`: pulled from that registry (src/registry:
 *   blobs the cache holds are not fetched; by digest, nothing is asked of the registry when the
 *   cache holds it whole), with the keys the executor trusts for `oci://host/repository`; a
 *   scope it trusts no key for is refused before any request is made;
 * - `oci:<directory>[:tag]` or `repository[:tag]`: an OCI layout on the executor's machine, only
 *   under its layout directories (the default `$XDG_DATA_HOME/spellbook/oci`);
 * - `sha256:...`: a package the executor holds in its cache by that digest, e.g. one a caller
 *   sent over the channel before (`package` + `package-data` messages, checked against the
 *   digest the caller named), verified with the keys trusted for the scope `peer:`.
 *
 * Verify before load, always (src/package `verifyLayoutFiles`, also for what comes from the
 * cache); then `pipelineFromPackage` builds it with its WASM nodes in the sandbox
 * (src/sandbox). The node types of a package are held to the executor's allow list like any
 * sub-pipeline's, with `WasmNode` (sandboxed) always allowed.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import {
  MEDIA_TYPES,
  PackageCache,
  PackageError,
  pipelineFromPackage,
  readLayout,
  readTar,
  trustedKeys,
  verifyLayoutFiles,
  type PackagePipelineOptions,
  type TrustPolicy,
  type VerifiedPackage,
} from '../package/index.js';
import type { Pipeline } from '../pipeline/index.js';
import { defaultLayoutRoot, parseReference, pull, scopeOf, type StoreOptions } from '../registry/index.js';
import type { ExecutorConnection, RemoteSession } from './client.js';
import { DEFAULTS, LIMITS, Messages } from './constants.js';
import { RemoteError } from './errors.js';

/** How an executor treats packages (`spell serve --key / --policy / --layout`). */
export interface ExecutorPackageOptions {
  /** Public keys trusted for every package, whatever its source (`--key`). */
  trustedKeys?: readonly KeyObject[];
  /** Keys by scope (`--policy`, docs/package.md "Trust policy"). */
  policy?: TrustPolicy;
  /** The content-addressed cache (default: `$XDG_CACHE_HOME/spellbook`). */
  cacheDir?: string;
  /** Directories whose OCI layouts callers may name (default: the default layout root). */
  layoutRoots?: readonly string[];
  /** Sandbox limits for the packages' WASM nodes. */
  sandbox?: PackagePipelineOptions;
  /** Largest package a caller may send (default LIMITS.maxPackageBytes). */
  maxPackageBytes?: number;
  /** Registry credentials and transport. */
  registry?: Pick<StoreOptions, 'credentials' | 'plainHttp'>;
}

/** A package resolved, verified and built, ready to run as a session's sub-pipeline. */
export interface LoadedPackage {
  package: VerifiedPackage;
  pipeline: Pipeline;
  /** What the caller named (a reference or a digest). */
  source: string;
  /** Blobs fetched from a registry or layout for this start (0: everything came from the cache). */
  fetched: number;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** The package manifest digest of a .rmpkg: its identity, as in `oci://...@sha256:` (read, not verified). */
export function packageDigestOf(archive: Uint8Array): string {
  const found = readLayout(readTar(archive)).index.manifests.filter((d) => d.artifactType === MEDIA_TYPES.pipelineArtifact);
  if (found.length !== 1) throw new PackageError('bad-layout', `package layout invalid: index.json lists ${found.length} pipeline packages, not one`, { path: 'index.json' });
  return found[0]!.digest;
}

/** A package arriving over the channel in parts: bounded by the size announced, joined at the end. */
export class PackageTransfer {
  readonly #parts: Uint8Array[] = [];
  #filled = 0;

  constructor(readonly digest: string, readonly size: number) {}

  get received(): number {
    return this.#filled;
  }

  /** Add a part; true once every announced byte has arrived. Throws when the caller sends more. */
  push(part: Uint8Array): boolean {
    if (this.#filled + part.length > this.size) throw new RemoteError('too-large', Messages.packageSize(this.size, this.#filled + part.length), undefined, { remoteCode: 'digest-mismatch' });
    this.#parts.push(part);
    this.#filled += part.length;
    return this.#filled === this.size;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.#filled);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** The executor's side: trust, cache, resolution, transfers in flight. */
export class ExecutorPackages {
  readonly cache: PackageCache;
  readonly #options: ExecutorPackageOptions;
  readonly #roots: string[];
  /** Bytes announced by transfers in flight, all callers together. */
  #inFlight = 0;

  constructor(options: ExecutorPackageOptions = {}) {
    this.#options = options;
    this.cache = new PackageCache(options.cacheDir);
    this.#roots = (options.layoutRoots?.length ? options.layoutRoots : [defaultLayoutRoot()]).map((r) => resolve(r));
  }

  get maxPackageBytes(): number {
    return Math.min(this.#options.maxPackageBytes ?? LIMITS.maxPackageBytes, LIMITS.maxPackageBytes);
  }

  /** Keys this executor trusts for a package from `scope`. */
  keysFor(scope: string): KeyObject[] {
    return [...(this.#options.trustedKeys ?? []), ...trustedKeys(this.#options.policy, scope)];
  }

  /** Resolve, verify and build what a `start` names. Throws PackageError, RegistryError or RemoteError. */
  async load(reference: string, allowed: readonly string[]): Promise<LoadedPackage> {
    const { package: pkg, fetched } = await this.#resolve(reference);
    for (const n of pkg.pipeline.manifest.nodes) {
      if (n.node_type !== 'WasmNode' && !allowed.includes(n.node_type)) throw new RemoteError('refused', Messages.notAllowed(n.id, n.node_type, ['WasmNode', ...allowed]), n.id, { remoteCode: 'refused' });
    }
    return { package: pkg, pipeline: pipelineFromPackage(pkg, this.#options.sandbox), source: reference, fetched };
  }

  async #resolve(reference: string): Promise<{ package: VerifiedPackage; fetched: number }> {
    if (DIGEST.test(reference)) {
      const files = this.cache.getLayout(reference);
      if (!files) throw new RemoteError('refused', Messages.packageMissing(reference), undefined, { remoteCode: 'package-missing' });
      return { package: verifyLayoutFiles(files, { trustedKeys: this.keysFor(DEFAULTS.peerScope), digest: reference }), fetched: 0 };
    }
    const ref = parseReference(reference, { layoutRoot: this.#roots[0], plainHttp: this.#options.registry?.plainHttp });
    if (ref.kind === 'layout' && !this.#roots.some((r) => ref.dir === r || ref.dir.startsWith(r + sep))) throw new RemoteError('refused', Messages.layoutOutside(ref.dir), undefined, { remoteCode: 'refused' });
    const scope = scopeOf(ref);
    const keys = this.keysFor(scope);
    // Nothing is fetched from a place this executor trusts no key for (no requests on a caller's say-so).
    if (keys.length === 0) throw new PackageError('signature-untrusted', Messages.noTrustedKey(scope));
    const pulled = await pull(ref, { trustedKeys: keys, cache: this.cache, ...(this.#options.registry?.credentials ? { credentials: this.#options.registry.credentials } : {}) });
    return { package: pulled.package, fetched: pulled.counters.blobsDownloaded };
  }

  /** Begin receiving a package a caller announced; reserves its size against the executor's budget. */
  begin(digest: string, size: number): PackageTransfer {
    const limit = this.maxPackageBytes;
    if (size > limit || this.#inFlight + size > LIMITS.maxPackageBytes) throw new RemoteError('too-large', Messages.packageTooLarge(size, size > limit ? limit : LIMITS.maxPackageBytes - this.#inFlight), undefined, { remoteCode: 'too-large' });
    this.#inFlight += size;
    return new PackageTransfer(digest, size);
  }

  /** A transfer ended (stored, refused or abandoned): its reservation is released. */
  release(t: PackageTransfer): void {
    this.#inFlight = Math.max(0, this.#inFlight - t.size);
  }

  /**
   * A whole package from a caller: its digest must be the one the caller named, then it is
   * verified with the keys trusted for `peer:` and cached by digest. Nothing unverified is kept.
   */
  receive(t: PackageTransfer): VerifiedPackage {
    const bytes = t.bytes();
    const files = readTar(bytes);
    const found = readLayout(files).index.manifests.filter((d) => d.artifactType === MEDIA_TYPES.pipelineArtifact).map((d) => d.digest);
    if (!found.includes(t.digest)) throw new PackageError('digest-mismatch', Messages.packageDigestMismatch(t.digest, found.join(', ') || 'no pipeline package'));
    const verified = verifyLayoutFiles(files, { trustedKeys: this.keysFor(DEFAULTS.peerScope), digest: t.digest });
    this.cache.putLayout(t.digest, files);
    return verified;
  }
}

/** Where a RemotePipelineNode's `manifest_url` says its package is. */
export type PackageSource = { kind: 'reference'; reference: string } | { kind: 'file'; path: string };

/** `manifest_url` as a package source; undefined when the node names none. Throws for URLs that are not fetched. */
export function packageSource(manifestUrl: unknown): PackageSource | undefined {
  if (manifestUrl === undefined || manifestUrl === null || manifestUrl === '') return undefined;
  const url = String(manifestUrl);
  if (url.startsWith('oci:') || DIGEST.test(url)) return { kind: 'reference', reference: url };
  if (url.startsWith('file:')) return { kind: 'file', path: resolve(url.replace(/^file:(\/\/(?=\/))?/, '')) };
  throw new RemoteError('refused', Messages.packageSource(url));
}

/**
 * Start a session running a package. A file is offered by its digest first; only when the
 * executor does not hold it are its bytes sent (then verified there), so a second run sends nothing.
 */
export async function startPackage(conn: ExecutorConnection, source: PackageSource, options: { timeoutMs?: number } = {}): Promise<RemoteSession> {
  if (source.kind === 'reference') return conn.start({ package: source.reference }, options);
  const size = statSync(source.path).size;
  if (size > LIMITS.maxPackageBytes) throw new RemoteError('too-large', Messages.packageTooLarge(size, LIMITS.maxPackageBytes));
  const bytes = new Uint8Array(readFileSync(source.path));
  const digest = packageDigestOf(bytes);
  try {
    return await conn.start({ package: digest }, options);
  } catch (e) {
    if (!(e instanceof RemoteError) || e.remoteCode !== 'package-missing') throw e;
  }
  await conn.sendPackage(bytes, { digest });
  return conn.start({ package: digest }, options);
}
