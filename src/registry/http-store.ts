/**
 * A registry over the OCI Distribution Specification v1.1 (spec.md):
 * - blobs: HEAD /v2/<name>/blobs/<digest> to skip what is there (end-2); POST .../blobs/uploads/
 *   then PUT <location>?digest= with the body (monolithic, end-4a) or PATCH chunks with
 *   Content-Range then PUT ?digest= (chunked, end-5, end-6); GET (end-2), checked by digest;
 * - manifests: PUT /v2/<name>/manifests/<reference> (end-7), GET with Accept (end-3);
 * - referrers: GET /v2/<name>/referrers/<digest> (end-12a); when it is missing (404) or a push
 *   of a manifest with a subject returns no OCI-Subject header, the referrers tag schema
 *   `sha256-<hex>` holding an image index of referrers ("Referrers Tag Schema");
 * - auth: a 401 with `WWW-Authenticate: Basic` is answered with the credentials (RFC 7617);
 *   `Bearer realm=...,service=...,scope=...` by fetching a token from the realm (with the
 *   credentials as Basic when given) and retrying with it (RFC 6750).
 */
import { Buffer } from 'node:buffer';
import { MEDIA_TYPES, sha256, type Descriptor, type OciIndex } from '../package/index.js';
import { MANIFEST_ACCEPT, REGISTRY_DEFAULTS, REGISTRY_LIMITS, RegistryMessages } from './constants.js';
import { RegistryError } from './errors.js';
import { newCounters, type ManifestResponse, type Store } from './store.js';
import { checkBlob, checkSize, DIGEST_RE } from './verify-bytes.js';

export interface Credentials {
  username: string;
  password: string;
}

export interface HttpStoreOptions {
  host: string;
  repository: string;
  plainHttp?: boolean;
  credentials?: Credentials;
  chunkThreshold?: number;
  chunkSize?: number;
  timeoutMs?: number;
}

interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parse a WWW-Authenticate header (RFC 9110 section 11.6.1; one challenge). */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

export class HttpStore implements Store {
  readonly counters = newCounters();
  readonly base: string;
  #auth?: string;
  readonly #o: Required<Omit<HttpStoreOptions, 'credentials'>> & { credentials?: Credentials };

  constructor(options: HttpStoreOptions) {
    this.#o = {
      plainHttp: false,
      chunkThreshold: REGISTRY_DEFAULTS.chunkThreshold,
      chunkSize: REGISTRY_DEFAULTS.chunkSize,
      timeoutMs: REGISTRY_DEFAULTS.timeoutMs,
      ...options,
    };
    this.base = `${this.#o.plainHttp ? 'http' : 'https'}://${options.host}`;
  }

  #url(path: string): string {
    return `${this.base}/v2/${this.#o.repository}/${path}`;
  }

  async #fetchOnce(method: string, url: string, init: { headers?: Record<string, string>; body?: Uint8Array }): Promise<Response> {
    this.counters.requests++;
    const headers: Record<string, string> = { ...init.headers };
    if (this.#auth) headers.authorization = this.#auth;
    try {
      return await fetch(url, { method, headers, body: init.body as Uint8Array<ArrayBuffer> | undefined, redirect: 'follow', signal: AbortSignal.timeout(this.#o.timeoutMs) });
    } catch (e) {
      throw new RegistryError('unreachable', RegistryMessages.unreachable(url, (e as Error).cause ? String((e as Error & { cause: Error }).cause.message) : (e as Error).message), { url, cause: e });
    }
  }

  /** One request, answering an auth challenge once. */
  async #fetch(method: string, url: string, init: { headers?: Record<string, string>; body?: Uint8Array } = {}): Promise<Response> {
    let res = await this.#fetchOnce(method, url, init);
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '');
    await res.body?.cancel();
    if (!challenge) throw new RegistryError('unauthorized', RegistryMessages.unauthorized(url, 'no WWW-Authenticate challenge'), { status: 401, url });
    const creds = this.#o.credentials;
    const basic = creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    if (challenge.scheme === 'basic') {
      if (!basic) throw new RegistryError('unauthorized', RegistryMessages.unauthorized(url, 'the registry asks for a username and password'), { status: 401, url });
      this.#auth = basic;
    } else if (challenge.scheme === 'bearer') {
      this.#auth = `Bearer ${await this.#token(challenge.params, basic)}`;
    } else throw new RegistryError('unauthorized', RegistryMessages.unauthorized(url, `unsupported auth scheme ${challenge.scheme}`), { status: 401, url });
    res = await this.#fetchOnce(method, url, init);
    if (res.status === 401) {
      await res.body?.cancel();
      throw new RegistryError('unauthorized', RegistryMessages.unauthorized(url, 'credentials rejected'), { status: 401, url });
    }
    return res;
  }

  async #token(params: Record<string, string>, basic?: string): Promise<string> {
    if (!params.realm) throw new RegistryError('unauthorized', RegistryMessages.unauthorized(this.base, 'Bearer challenge without a realm'));
    const u = new URL(params.realm);
    if (params.service) u.searchParams.set('service', params.service);
    u.searchParams.set('scope', params.scope ?? `repository:${this.#o.repository}:pull,push`);
    this.counters.requests++;
    let res: Response;
    try {
      res = await fetch(u, { headers: basic ? { authorization: basic } : {}, signal: AbortSignal.timeout(this.#o.timeoutMs) });
    } catch (e) {
      throw new RegistryError('unreachable', RegistryMessages.unreachable(u.href, (e as Error).message), { url: u.href, cause: e });
    }
    const text = await res.text();
    if (!res.ok) throw new RegistryError('unauthorized', RegistryMessages.unauthorized(u.href, `token endpoint answered ${res.status}`), { status: res.status, url: u.href });
    checkSize('token response', text.length, REGISTRY_LIMITS.maxTokenBytes);
    let body: { token?: unknown; access_token?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new RegistryError('unauthorized', RegistryMessages.unauthorized(u.href, 'token response is not JSON'), { url: u.href });
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryError('unauthorized', RegistryMessages.unauthorized(u.href, 'token response has no token'), { url: u.href });
    return token;
  }

  async #fail(method: string, url: string, res: Response, code: 'http' | 'not-found' | 'upload-failed' = 'http'): Promise<never> {
    const body = (await res.text().catch(() => '')).slice(0, 300).trim();
    throw new RegistryError(res.status === 404 && code === 'http' ? 'not-found' : code, RegistryMessages.http(method, url, res.status, body), { status: res.status, url });
  }

  async hasBlob(digest: string): Promise<boolean> {
    const url = this.#url(`blobs/${digest}`);
    const res = await this.#fetch('HEAD', url);
    await res.body?.cancel();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return this.#fail('HEAD', url, res);
  }

  async putBlob(digest: string, bytes: Uint8Array): Promise<void> {
    if (await this.hasBlob(digest)) {
      this.counters.blobsSkipped++;
      return;
    }
    const start = this.#url('blobs/uploads/');
    let res = await this.#fetch('POST', start, { headers: { 'content-length': '0' } });
    if (res.status !== 202) return this.#fail('POST', start, res, 'upload-failed');
    await res.body?.cancel();
    let location = new URL(res.headers.get('location') ?? '', start).href;
    if (bytes.length > this.#o.chunkThreshold) {
      for (let off = 0; off < bytes.length; off += this.#o.chunkSize) {
        const chunk = bytes.subarray(off, Math.min(bytes.length, off + this.#o.chunkSize));
        res = await this.#fetch('PATCH', location, {
          headers: { 'content-type': 'application/octet-stream', 'content-range': `${off}-${off + chunk.length - 1}`, 'content-length': String(chunk.length) },
          body: chunk,
        });
        if (res.status !== 202) return this.#fail('PATCH', location, res, 'upload-failed');
        await res.body?.cancel();
        this.counters.chunksUploaded++;
        location = new URL(res.headers.get('location') ?? location, location).href;
      }
      const u = new URL(location);
      u.searchParams.set('digest', digest);
      res = await this.#fetch('PUT', u.href, { headers: { 'content-length': '0' } });
    } else {
      const u = new URL(location);
      u.searchParams.set('digest', digest);
      res = await this.#fetch('PUT', u.href, { headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }, body: bytes });
    }
    if (res.status !== 201) return this.#fail('PUT', location, res, 'upload-failed');
    await res.body?.cancel();
    this.counters.blobsUploaded++;
    this.counters.bytesUploaded += bytes.length;
  }

  async getBlob(d: Descriptor): Promise<Uint8Array> {
    checkSize(`blob ${d.digest}`, d.size, REGISTRY_LIMITS.maxBlobBytes);
    const url = this.#url(`blobs/${d.digest}`);
    const res = await this.#fetch('GET', url);
    if (res.status !== 200) return this.#fail('GET', url, res);
    const bytes = await this.#readLimited(res, d.size, url);
    this.counters.blobsDownloaded++;
    this.counters.bytesDownloaded += bytes.length;
    return checkBlob(d, bytes, url);
  }

  /** Read a body, refusing more than `limit` bytes (a registry cannot make us hold more). */
  async #readLimited(res: Response, limit: number, url: string): Promise<Uint8Array> {
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      await res.body?.cancel();
      throw new RegistryError('digest-mismatch', RegistryMessages.digestMismatch(url, `${limit} bytes`, `${declared} bytes`), { url });
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const c of res.body ?? []) {
      total += (c as Uint8Array).length;
      if (total > limit) throw new RegistryError('digest-mismatch', RegistryMessages.digestMismatch(url, `${limit} bytes`, `more`), { url });
      chunks.push(c as Uint8Array);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }

  async putManifest(reference: string, bytes: Uint8Array, mediaType: string, subject?: Descriptor, artifactType?: string): Promise<void> {
    checkSize('manifest', bytes.length, REGISTRY_LIMITS.maxManifestBytes);
    const url = this.#url(`manifests/${reference}`);
    const res = await this.#fetch('PUT', url, { headers: { 'content-type': mediaType }, body: bytes });
    if (res.status !== 201) return this.#fail('PUT', url, res, 'upload-failed');
    await res.body?.cancel();
    if (subject && !res.headers.get('oci-subject')) await this.#addToFallback(subject.digest, { mediaType, digest: sha256(bytes), size: bytes.length, ...(artifactType ? { artifactType } : {}) });
  }

  /** The referrers tag schema: `sha256-<hex>` names an image index of the subject's referrers. */
  async #addToFallback(subjectDigest: string, desc: Descriptor): Promise<void> {
    const tag = subjectDigest.replace(':', '-');
    let index: OciIndex = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] };
    try {
      const got = await this.getManifest(tag);
      index = parseIndex(got.bytes);
    } catch (e) {
      if (!(e instanceof RegistryError && e.code === 'not-found')) throw e;
    }
    if (index.manifests.some((d) => d.digest === desc.digest)) return;
    index.manifests.push(desc);
    const bytes = new TextEncoder().encode(JSON.stringify(index));
    const url = this.#url(`manifests/${tag}`);
    const res = await this.#fetch('PUT', url, { headers: { 'content-type': MEDIA_TYPES.ociIndex }, body: bytes });
    if (res.status !== 201) return this.#fail('PUT', url, res, 'upload-failed');
    await res.body?.cancel();
  }

  async getManifest(reference: string): Promise<ManifestResponse> {
    const url = this.#url(`manifests/${reference}`);
    const res = await this.#fetch('GET', url, { headers: { accept: MANIFEST_ACCEPT } });
    if (res.status !== 200) return this.#fail('GET', url, res);
    const bytes = await this.#readLimited(res, REGISTRY_LIMITS.maxManifestBytes, url);
    const digest = sha256(bytes);
    if (DIGEST_RE.test(reference) && digest !== reference) throw new RegistryError('digest-mismatch', RegistryMessages.digestMismatch(`manifest ${reference}`, reference, digest), { url });
    return { bytes, mediaType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(), digest };
  }

  async referrers(digest: string): Promise<Descriptor[]> {
    const url = this.#url(`referrers/${digest}`);
    const res = await this.#fetch('GET', url, { headers: { accept: MEDIA_TYPES.ociIndex } });
    let index: OciIndex;
    if (res.status === 200 && (res.headers.get('content-type') ?? '').startsWith(MEDIA_TYPES.ociIndex)) {
      index = parseIndex(await this.#readLimited(res, REGISTRY_LIMITS.maxManifestBytes, url));
    } else {
      await res.body?.cancel();
      if (res.status !== 404) return this.#fail('GET', url, new Response(null, { status: res.status }));
      try {
        index = parseIndex((await this.getManifest(digest.replace(':', '-'))).bytes);
      } catch (e) {
        if (e instanceof RegistryError && e.code === 'not-found') return [];
        throw e;
      }
    }
    return index.manifests.slice(0, REGISTRY_LIMITS.maxReferrers);
  }
}

function parseIndex(bytes: Uint8Array): OciIndex {
  let v: OciIndex;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes)) as OciIndex;
  } catch {
    throw new RegistryError('http', 'the referrers index is not JSON');
  }
  if (typeof v !== 'object' || v === null || !Array.isArray(v.manifests)) throw new RegistryError('http', 'the referrers index has no manifests');
  v.manifests = v.manifests.filter((d) => d && typeof d === 'object' && typeof d.digest === 'string' && DIGEST_RE.test(d.digest) && Number.isSafeInteger(d.size));
  return v;
}
