/**
 * A content-addressed cache of package blobs under the user's cache directory
 * (`$XDG_CACHE_HOME/spellbook`, else `~/.cache/spellbook`; XDG Base Directory Specification):
 * `blobs/sha256/<hex>`, each checked against its name when read (a corrupt entry is removed
 * and reported missing), written atomically (temporary file, then rename). A verified package's
 * layout is remembered by its manifest digest in `packages/<hex>.json` (its index.json).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_DEFAULTS } from './constants.js';
import { blobPath, OCI_LAYOUT, sha256 } from './layout.js';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, PACKAGE_DEFAULTS.cacheSubdir);
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export class PackageCache {
  /** Blobs read from the cache / written to it, since this object was made. */
  hits = 0;
  writes = 0;

  constructor(readonly dir: string = defaultCacheDir()) {}

  #path(digest: string): string {
    if (!DIGEST.test(digest)) throw new RangeError(`not a sha256 digest: ${digest}`);
    return join(this.dir, blobPath(digest));
  }

  has(digest: string): boolean {
    return existsSync(this.#path(digest));
  }

  /** A blob, checked against its digest; undefined when absent or corrupt (a corrupt one is removed). */
  get(digest: string): Uint8Array | undefined {
    const path = this.#path(digest);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(path));
    } catch {
      return undefined;
    }
    if (sha256(bytes) !== digest) {
      rmSync(path, { force: true });
      return undefined;
    }
    this.hits++;
    return bytes;
  }

  put(bytes: Uint8Array): string {
    const digest = sha256(bytes);
    const path = this.#path(digest);
    if (existsSync(path)) return digest;
    mkdirSync(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
    this.writes++;
    return digest;
  }

  /** Remember a verified package's layout (its blobs and index.json) under its manifest digest. */
  putLayout(manifestDigest: string, files: ReadonlyMap<string, Uint8Array>): void {
    for (const [path, bytes] of files) if (path.startsWith('blobs/')) this.put(bytes);
    const index = files.get('index.json');
    if (!index) return;
    const dir = join(this.dir, 'packages');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${this.#path(manifestDigest).split('/').pop()}.json`), index);
  }

  /** The layout files of a package remembered by its manifest digest, or undefined if any blob is missing. */
  getLayout(manifestDigest: string): Map<string, Uint8Array> | undefined {
    let index: Uint8Array;
    try {
      index = new Uint8Array(readFileSync(join(this.dir, 'packages', `${this.#path(manifestDigest).split('/').pop()}.json`)));
    } catch {
      return undefined;
    }
    const files = new Map<string, Uint8Array>([
      ['oci-layout', OCI_LAYOUT],
      ['index.json', index],
    ]);
    let parsed: { manifests?: { digest?: unknown; mediaType?: unknown }[] };
    try {
      parsed = JSON.parse(new TextDecoder().decode(index)) as typeof parsed;
    } catch {
      return undefined;
    }
    // Manifests (from the index) name further blobs; layers are only copied.
    const pending = (parsed.manifests ?? []).filter((d) => typeof d.digest === 'string' && DIGEST.test(d.digest)).map((d) => ({ digest: d.digest as string, manifest: true }));
    const seen = new Set<string>();
    while (pending.length) {
      const { digest, manifest } = pending.pop()!;
      if (seen.has(digest)) continue;
      seen.add(digest);
      const b = this.get(digest);
      if (!b) return undefined;
      files.set(blobPath(digest), b);
      if (!manifest) continue;
      try {
        const m = JSON.parse(new TextDecoder().decode(b)) as { config?: { digest?: string }; layers?: { digest?: string }[] };
        for (const x of [m.config, ...(m.layers ?? [])]) if (typeof x?.digest === 'string' && DIGEST.test(x.digest)) pending.push({ digest: x.digest, manifest: false });
      } catch {
        return undefined;
      }
    }
    return files;
  }
}
