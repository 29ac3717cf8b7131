import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlobSet,
  blobPath,
  jsonBytes,
  loadPrivateKey,
  loadPublicKey,
  MEDIA_TYPES,
  PackageCache,
  PackageError,
  packPipeline,
  readTar,
  sha256,
  type OciManifest,
} from '../package/index.js';
import { opensslKey, pipelineDir } from '../package/__fixtures__/fixture.js';
import { startRegistry, storedBlobPath, type RunningRegistry } from './__fixtures__/registry.js';
import { repointSignature, swapModelLayer } from './__fixtures__/tamper.js';
import { startTokenServer } from './__fixtures__/token-server.js';
import { HttpStore, LayoutStore, parseReference, pull, push, RegistryError } from './index.js';

const key = opensslKey();
const other = opensslKey();
const signing = loadPrivateKey(readFileSync(key.privatePem));
const otherSigning = loadPrivateKey(readFileSync(other.privatePem));
const trustedKeys = [loadPublicKey(readFileSync(key.publicPem))];

let registry: RunningRegistry;
beforeAll(async () => {
  registry = await startRegistry();
}, 30_000);
afterAll(async () => {
  await registry?.stop();
});

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const rejection = (p: Promise<unknown>): Promise<RegistryError | undefined> =>
  p.then(
    () => undefined,
    (x: unknown) => x as RegistryError,
  );

/** Against a registry that requires auth: refused without credentials, push and pull with them. */
async function authRoundTrip(host: string, credentials: { username: string; password: string }): Promise<void> {
  const pkg = await packPipeline(pipelineDir().manifest, { key: signing });
  const ref = `oci://${host}/private/gain:1`;
  expect((await rejection(push(pkg.bytes, ref)))?.code).toBe('unauthorized');
  expect((await rejection(push(pkg.bytes, ref, { credentials: { ...credentials, password: 'wrong' } })))?.code).toBe('unauthorized');
  await push(pkg.bytes, ref, { credentials });
  expect((await pull(ref, { trustedKeys, credentials })).package.digest).toBe(pkg.digest);
}
const cacheBlobs = (c: PackageCache) => (existsSync(join(c.dir, 'blobs/sha256')) ? readdirSync(join(c.dir, 'blobs/sha256')) : []);

/** Pull expecting a refusal: the error, and proof that nothing was cached or written. */
async function refusedPull(ref: string): Promise<Error> {
  const cache = new PackageCache(tmp('cache-'));
  const output = join(tmp('out-'), 'x.rmpkg');
  const e = await rejection(pull(ref, { trustedKeys, cache, output }));
  expect(e).toBeInstanceOf(Error);
  expect(cacheBlobs(cache)).toEqual([]);
  expect(existsSync(output)).toBe(false);
  return e!;
}

describe('push and pull against a real registry (docker-registry on loopback)', () => {
  it('pushes a signed package and pulls it back verified, byte-identical, with the signature found through the referrers tag fallback', async () => {
    const { manifest } = pipelineDir();
    const pkg = await packPipeline(manifest, { key: signing, tag: '1.0' });
    const ref = `oci://${registry.host}/pipelines/gain:1.0`;
    const pushed = await push(pkg.bytes, ref);
    expect(pushed.digest).toBe(pkg.digest);
    expect(pushed.signatures).toBe(1);
    expect(pushed.counters.blobsUploaded).toBe(readTar(pkg.bytes).size - 2 - 2); // every blob but the two manifests, which go as manifests
    // This registry has no referrers API: the signature is listed under the tag sha256-<hex>.
    expect((await fetch(`http://${registry.host}/v2/pipelines/gain/referrers/${pkg.digest}`)).status).toBe(404);
    const fallback = await fetch(`http://${registry.host}/v2/pipelines/gain/manifests/${pkg.digest.replace(':', '-')}`, { headers: { accept: MEDIA_TYPES.ociIndex } });
    expect(fallback.status).toBe(200);
    expect(((await fallback.json()) as { manifests: { artifactType: string }[] }).manifests.map((m) => m.artifactType)).toEqual([MEDIA_TYPES.signatureArtifact]);

    const cache = new PackageCache(tmp('cache-'));
    const output = join(tmp('out-'), 'gain.rmpkg');
    const pulled = await pull(ref, { trustedKeys, cache, output });
    expect(pulled.package.digest).toBe(pkg.digest);
    expect(pulled.package.signedBy).toBe(signing.keyId);
    expect([...pulled.package.modules.keys()]).toEqual(['wasm/gain.wasm']);
    expect(Buffer.from(readFileSync(output)).equals(Buffer.from(pkg.bytes))).toBe(true);

    // Again: every blob is skipped on push (HEAD), and the pull loads nothing the cache has.
    const again = await push(pkg.bytes, ref);
    expect(again.counters.blobsUploaded).toBe(0);
    expect(again.counters.blobsSkipped).toBeGreaterThan(0);
    const second = await pull(ref, { trustedKeys, cache });
    expect(second.counters.blobsDownloaded).toBe(0);
    expect(second.cached).toBeGreaterThan(0);
    // By digest: once in the cache, nothing is asked of the registry (here one that does not exist).
    expect((await pull(`oci://${registry.host}/pipelines/gain@${pkg.digest}`, { trustedKeys, cache })).package.digest).toBe(pkg.digest);
    const offline = await pull(`oci://127.0.0.1:9/pipelines/gain@${pkg.digest}`, { trustedKeys, cache });
    expect(offline.package.signedBy).toBe(signing.keyId);
    expect(offline.counters.requests).toBe(0);
    // and still verified from the cache: an untrusted key is refused there too.
    expect((await rejection(pull(`oci://127.0.0.1:9/pipelines/gain@${pkg.digest}`, { trustedKeys: [], cache })))?.code).toBe('signature-untrusted');
  }, 60_000);

  it('uploads a large layer in chunks (PATCH with Content-Range) and pulls it back whole', async () => {
    const model = Buffer.alloc(300_000);
    for (let i = 0; i < model.length; i++) model[i] = (i * 2654435761) >>> 24;
    const { manifest } = pipelineDir(model);
    const pkg = await packPipeline(manifest, { key: signing });
    const ref = `oci://${registry.host}/pipelines/chunked:latest`;
    const pushed = await push(pkg.bytes, ref, { chunkThreshold: 64 * 1024, chunkSize: 64 * 1024 });
    expect(pushed.counters.chunksUploaded).toBe(5);
    const pulled = await pull(ref, { trustedKeys });
    expect(Buffer.from(pulled.package.models.get('models/tiny.bin')!).equals(model)).toBe(true);
  }, 60_000);
});

describe('tampering through the registry: every case refused, nothing cached or written', () => {
  it('a changed blob in the registry storage: package blob digest mismatch', async () => {
    const { manifest } = pipelineDir(Buffer.from('blob to corrupt'));
    const pkg = await packPipeline(manifest, { key: signing });
    const ref = `oci://${registry.host}/tamper/blob:1`;
    await push(pkg.bytes, ref);
    const m = JSON.parse(Buffer.from(pkg.files.get(blobPath(pkg.digest))!).toString()) as OciManifest;
    const model = m.layers.find((l) => l.mediaType === MEDIA_TYPES.model)!;
    writeFileSync(storedBlobPath(registry.root, model.digest), 'blob to corrupT');
    const e = await refusedPull(ref);
    expect(e).toBeInstanceOf(RegistryError);
    expect((e as RegistryError).code).toBe('digest-mismatch');
    expect(e.message).toMatch(/^package blob digest mismatch: /);
  }, 60_000);

  it('a changed manifest under the tag: signature missing; with the old signature re-pointed at it: signature invalid', async () => {
    const { manifest } = pipelineDir(Buffer.from('manifest to change'));
    const pkg = await packPipeline(manifest, { key: signing });
    const ref = `oci://${registry.host}/tamper/manifest:1`;
    await push(pkg.bytes, ref);
    const changed = await swapModelLayer(registry.host, 'tamper/manifest', '1', pkg);
    const e = await refusedPull(ref);
    expect((e as PackageError).code).toBe('signature-missing');
    // The attacker re-points the old signature manifest at the changed manifest.
    await repointSignature(registry.host, 'tamper/manifest', pkg, changed);
    const f = await refusedPull(ref);
    expect((f as PackageError).code).toBe('signature-invalid');
    expect(f.message).toMatch(/^package signature invalid: the statement names/);
  }, 60_000);

  it('a package without its signature, and a tag replaced to point at an unsigned package: signature missing', async () => {
    const { manifest } = pipelineDir(Buffer.from('unsigned'));
    const ref = `oci://${registry.host}/tamper/unsigned:1`;
    await push((await packPipeline(manifest, { key: signing })).bytes, ref);
    expect((await pull(ref, { trustedKeys })).package.signedBy).toBe(signing.keyId);
    const { manifest: m2 } = pipelineDir(Buffer.from('unsigned, replaced'));
    await push((await packPipeline(m2)).bytes, ref);
    const e = await refusedPull(ref);
    expect((e as PackageError).code).toBe('signature-missing');
    expect(e.message).toMatch(/^package signature missing: /);
  }, 60_000);

  it('a package signed by a key the puller does not trust: signature untrusted', async () => {
    const { manifest } = pipelineDir(Buffer.from('other key'));
    const ref = `oci://${registry.host}/tamper/untrusted:1`;
    await push((await packPipeline(manifest, { key: otherSigning })).bytes, ref);
    const e = await refusedPull(ref);
    expect((e as PackageError).code).toBe('signature-untrusted');
  }, 60_000);

  it('a truncated upload: the registry refuses the blob, the manifest naming it is refused, and nothing can be pulled', async () => {
    const store = new HttpStore({ host: registry.host, repository: 'tamper/truncated', plainHttp: true });
    const whole = new Uint8Array(200_000).fill(7);
    const digest = sha256(whole);
    for (const threshold of [1 << 30, 50_000]) {
      const s = new HttpStore({ host: registry.host, repository: 'tamper/truncated', plainHttp: true, chunkThreshold: threshold, chunkSize: 50_000 });
      const e = await rejection(s.putBlob(digest, whole.subarray(0, 150_000)));
      expect(e).toBeInstanceOf(RegistryError);
      expect(e!.code).toBe('upload-failed');
    }
    expect(await store.hasBlob(digest)).toBe(false);
    const blobs = new BlobSet();
    const m: OciManifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, artifactType: MEDIA_TYPES.pipelineArtifact, config: { mediaType: MEDIA_TYPES.empty, digest: [...blobs.blobs.keys()][0]!, size: 2 }, layers: [{ mediaType: MEDIA_TYPES.model, digest, size: whole.length }] };
    await store.putBlob(m.config.digest, blobs.blobs.get(m.config.digest)!);
    const put = await rejection(store.putManifest('1', jsonBytes(m), MEDIA_TYPES.ociManifest));
    expect(put?.code).toBe('upload-failed');
    expect((await refusedPull(`oci://${registry.host}/tamper/truncated:1`)) instanceof RegistryError).toBe(true);
  }, 60_000);
});

describe('auth and the local default', () => {
  it('a registry that requires auth: refused without credentials, works with them (Basic, htpasswd)', async () => {
    const secured = await startRegistry({ auth: { user: 'alice', password: 's3cret' } });
    try {
      await authRoundTrip(secured.host, { username: 'alice', password: 's3cret' });
    } finally {
      await secured.stop();
    }
  }, 60_000);

  it('a registry with token auth: the client fetches a Bearer token from the realm with its credentials; without them it is refused', async () => {
    const tokens = await startTokenServer('bob', 'hunter2');
    const secured = await startRegistry({ token: tokens });
    try {
      const challenge = await fetch(`http://${secured.host}/v2/`);
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toMatch(/^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token",service="spellbook-test-registry"/);
      await authRoundTrip(secured.host, { username: 'bob', password: 'hunter2' });
      expect(tokens.issued).toBeGreaterThanOrEqual(2);
    } finally {
      await secured.stop();
      await tokens.stop();
    }
  }, 60_000);

  it('a local OCI layout directory needs nothing started: oci:<dir>:tag and a bare name under XDG_DATA_HOME', async () => {
    const { manifest } = pipelineDir();
    const pkg = await packPipeline(manifest, { key: signing });
    const dir = tmp('layout-');
    await push(pkg.bytes, `oci:${dir}/gain:2.0`);
    expect(existsSync(join(dir, 'gain/oci-layout'))).toBe(true);
    expect((await pull(`oci:${dir}/gain:2.0`, { trustedKeys })).package.digest).toBe(pkg.digest);
    const root = tmp('data-');
    expect(parseReference('pipelines/gain:3', { layoutRoot: root })).toMatchObject({ kind: 'layout', dir: join(root, 'pipelines/gain'), tag: '3' });
    await push(pkg.bytes, 'pipelines/gain:3', { layoutRoot: root });
    expect((await pull('pipelines/gain:3', { trustedKeys, layoutRoot: root })).package.signedBy).toBe(signing.keyId);
    // The same content unsigned has the same manifest digest, still signed; other content is not.
    const unsigned = await packPipeline(pipelineDir(Buffer.from('replaced')).manifest);
    await push(unsigned.bytes, 'pipelines/gain:3', { layoutRoot: root });
    expect(((await pull('pipelines/gain:3', { trustedKeys, layoutRoot: root }).catch((x: unknown) => x)) as PackageError).code).toBe('signature-missing');
  }, 60_000);

  it('refuses a manifest declaring more than the package limit before fetching any blob', async () => {
    const dir = tmp('huge-');
    const store = new LayoutStore(dir);
    const blobs = new BlobSet();
    const config = [...blobs.blobs.keys()][0]!;
    await store.putBlob(config, blobs.blobs.get(config)!);
    const m: OciManifest = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, artifactType: MEDIA_TYPES.pipelineArtifact, config: { mediaType: MEDIA_TYPES.empty, digest: config, size: 2 }, layers: [{ mediaType: MEDIA_TYPES.model, digest: sha256(new Uint8Array(1)), size: 3 * 1024 ** 3 }] };
    await store.putManifest('huge', jsonBytes(m), MEDIA_TYPES.ociManifest);
    const e = await rejection(pull(`oci:${dir}:huge`, { trustedKeys }));
    // The layer's blob does not exist: had it been fetched, the error would be not-found.
    expect(e?.code).toBe('too-large');
  });

  it('parses references and refuses bad ones with a typed error', () => {
    expect(parseReference('oci://127.0.0.1:5000/a/b:v1')).toMatchObject({ kind: 'registry', host: '127.0.0.1:5000', repository: 'a/b', tag: 'v1', plainHttp: true });
    expect(parseReference('oci://registry.example/a')).toMatchObject({ tag: 'latest', plainHttp: false });
    for (const bad of ['oci://host', 'oci://h/UPPER:1', 'oci://h/a:bad tag', 'oci://h/a@sha256:xyz', '../x']) {
      expect(() => parseReference(bad)).toThrow(RegistryError);
    }
  });
});
