import { readFileSync, writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack as tarPack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { createNode } from '../pipeline/index.js';
import { opensslKey, pipelineDir } from './__fixtures__/fixture.js';
import {
  blobPath,
  jsonBytes,
  loadPolicy,
  loadPrivateKey,
  loadPublicKey,
  MEDIA_TYPES,
  PackageCache,
  PackageError,
  packPipeline,
  parsePolicy,
  readTar,
  sha256,
  trustedKeys,
  verifyPackage,
  writeTar,
  defaultCacheDir,
  verifyLayoutFiles,
  pipelineFromPackage,
  type OciIndex,
  type OciManifest,
} from './index.js';

const key = opensslKey();
const other = opensslKey();
const signing = loadPrivateKey(readFileSync(key.privatePem), key.privatePem);
const trusted = [loadPublicKey(readFileSync(key.publicPem), key.publicPem)];
const { manifest } = pipelineDir();

async function refused(f: () => unknown): Promise<PackageError> {
  let error: unknown;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PackageError);
  return error as PackageError;
}

/** Rewrite a JSON blob of a layout, rename it by its new digest and fix the descriptors naming it. */
function replaceBlob(files: Map<string, Uint8Array>, oldDigest: string, bytes: Uint8Array): string {
  const digest = sha256(bytes);
  files.delete(blobPath(oldDigest));
  files.set(blobPath(digest), bytes);
  const index = JSON.parse(Buffer.from(files.get('index.json')!).toString()) as OciIndex;
  for (const d of index.manifests) if (d.digest === oldDigest) Object.assign(d, { digest, size: bytes.length });
  files.set('index.json', jsonBytes(index));
  return digest;
}

async function tarOf(entries: { name: string; type?: 'file' | 'symlink' | 'link' | 'directory'; linkname?: string; body?: string }[]): Promise<Uint8Array> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mtime: new Date(0) }, e.body ?? '');
  p.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

describe('spell pack: the package format', () => {
  it('packs a pipeline, its WASM module, its model file and meta as an OCI image layout in a tar', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const names = [...readTar(pkg.bytes).keys()];
    expect(names).toEqual([...names].sort());
    expect(names).toContain('oci-layout');
    expect(names).toContain('index.json');
    expect(names.every((n) => n === 'oci-layout' || n === 'index.json' || /^blobs\/sha256\/[0-9a-f]{64}$/.test(n))).toBe(true);
    const v = verifyPackage(pkg.bytes, { trustedKeys: trusted });
    expect(v.digest).toBe(pkg.digest);
    expect(v.manifest.artifactType).toBe(MEDIA_TYPES.pipelineArtifact);
    expect(v.manifest.layers.map((l) => l.mediaType)).toEqual([MEDIA_TYPES.pipelineManifestYaml, MEDIA_TYPES.wasm, MEDIA_TYPES.model, MEDIA_TYPES.meta]);
    expect([...v.modules.keys()]).toEqual(['wasm/gain.wasm']);
    expect(Buffer.from(v.modules.get('wasm/gain.wasm')!).equals(readFileSync(new URL('../sandbox/examples/gain.wasm', import.meta.url)))).toBe(true);
    expect([...v.models.keys()]).toEqual(['models/tiny.bin']);
    expect(v.pipeline.manifest.metadata.name).toBe('gain-demo');
    expect(v.meta.pipelineDigest).toBe(v.pipeline.digest);
    expect(v.meta.requirements.nodes.map((n) => n.node_type)).toEqual(['WasmNode', 'AudioLevelNode']);
    expect(v.meta.provenance._type).toBe('https://in-toto.io/Statement/v1');
    expect(v.meta.provenance.subject.map((s) => s.name)).toEqual(['pipeline.yaml', 'wasm/gain.wasm', 'models/tiny.bin']);
    expect(v.signedBy).toBe(signing.keyId);
    expect(v.tag).toBe('latest');
  });

  it('is deterministic: the same inputs give the same bytes, signed or not, from another directory', async () => {
    const a = await packPipeline(manifest, { key: signing });
    const b = await packPipeline(manifest, { key: signing });
    const elsewhere = pipelineDir();
    const c = await packPipeline(elsewhere.manifest, { key: signing });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(a.bytes).equals(Buffer.from(c.bytes))).toBe(true);
    const u1 = await packPipeline(manifest);
    const u2 = await packPipeline(manifest);
    expect(Buffer.from(u1.bytes).equals(Buffer.from(u2.bytes))).toBe(true);
    expect(u1.digest).toBe(a.digest);
    const changed = pipelineDir(Buffer.from('other weights'));
    expect((await packPipeline(changed.manifest)).digest).not.toBe(a.digest);
  });

  it('signs with an Ed25519 key made by openssl: a DSSE envelope over an in-toto Statement naming the package manifest, stored as a referrer', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const index = JSON.parse(Buffer.from(pkg.files.get('index.json')!).toString()) as OciIndex;
    const sigDesc = index.manifests.find((d) => d.artifactType === MEDIA_TYPES.signatureArtifact)!;
    const sig = JSON.parse(Buffer.from(pkg.files.get(blobPath(sigDesc.digest))!).toString()) as OciManifest;
    expect(sig.subject?.digest).toBe(pkg.digest);
    const env = JSON.parse(Buffer.from(pkg.files.get(blobPath(sig.layers[0]!.digest))!).toString()) as { payloadType: string; payload: string; signatures: { keyid: string }[] };
    expect(env.payloadType).toBe('application/vnd.in-toto+json');
    expect(env.signatures[0]!.keyid).toBe(signing.keyId);
    const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString()) as { subject: { digest: { sha256: string } }[] };
    expect(`sha256:${statement.subject[0]!.digest.sha256}`).toBe(pkg.digest);
  });

  it('refuses keys that are not Ed25519 PEM, and a private key given as trusted', async () => {
    expect((await refused(async () => loadPrivateKey('not a key'))).code).toBe('bad-key');
    expect((await refused(async () => loadPublicKey(readFileSync(key.privatePem)))).message).toContain('private key');
  });
});

describe('spell verify: every tampering refused, nothing loaded', () => {
  it('a changed blob: package blob digest mismatch', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const files = new Map(pkg.files);
    const wasmPath = [...files.keys()].find((p) => files.get(p)!.length === 211)!;
    const evil = new Uint8Array(files.get(wasmPath)!);
    evil[evil.length - 5] ^= 1;
    files.set(wasmPath, evil);
    const e = await refused(async () => verifyPackage(new Uint8Array(0), { trustedKeys: trusted }));
    expect(e.code).toBe('bad-archive');
    const t = await refused(async () => verifyPackage(await (writeTar(files)), { trustedKeys: trusted }));
    expect(t.code).toBe('digest-mismatch');
    expect(t.message).toMatch(/^package blob digest mismatch: /);
  });

  it('a changed manifest (a layer swapped, digests recomputed): package signature invalid', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const files = new Map(pkg.files);
    const m = JSON.parse(Buffer.from(files.get(blobPath(pkg.digest))!).toString()) as OciManifest;
    const evilWasm = new Uint8Array(files.get(blobPath(m.layers[1]!.digest))!);
    evilWasm[evilWasm.length - 5] ^= 1;
    files.set(blobPath(sha256(evilWasm)), evilWasm);
    m.layers[1] = { ...m.layers[1]!, digest: sha256(evilWasm) };
    replaceBlob(files, pkg.digest, jsonBytes(m));
    const e = await refused(async () => verifyPackage(await (writeTar(files)), { trustedKeys: trusted }));
    expect(e.code).toBe('signature-missing');
    // The attacker also points the old signature at the new manifest: its statement still names the old digest.
    const index = JSON.parse(Buffer.from(files.get('index.json')!).toString()) as OciIndex;
    const sigDesc = index.manifests.find((d) => d.artifactType === MEDIA_TYPES.signatureArtifact)!;
    const sig = JSON.parse(Buffer.from(files.get(blobPath(sigDesc.digest))!).toString()) as OciManifest;
    const newDigest = index.manifests.find((d) => d.artifactType === MEDIA_TYPES.pipelineArtifact)!.digest;
    sig.subject = { ...sig.subject!, digest: newDigest };
    replaceBlob(files, sigDesc.digest, jsonBytes(sig));
    const f = await refused(async () => verifyPackage(await (writeTar(files)), { trustedKeys: trusted }));
    expect(f.code).toBe('signature-invalid');
    expect(f.message).toMatch(/^package signature invalid: the statement names sha256:[0-9a-f]{64}, not the package manifest/);
  });

  it('a stripped signature: package signature missing', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const files = new Map(pkg.files);
    const index = JSON.parse(Buffer.from(files.get('index.json')!).toString()) as OciIndex;
    index.manifests = index.manifests.filter((d) => d.artifactType !== MEDIA_TYPES.signatureArtifact);
    files.set('index.json', jsonBytes(index));
    const e = await refused(async () => verifyPackage(await (writeTar(files)), { trustedKeys: trusted }));
    expect(e.code).toBe('signature-missing');
    expect(e.message).toMatch(/^package signature missing: /);
    expect((await refused(async () => verifyPackage((await packPipeline(manifest)).bytes, { trustedKeys: trusted }))).code).toBe('signature-missing');
  });

  it('a signature from an untrusted key: package signature untrusted; no key at all: untrusted too', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const e = await refused(async () => verifyPackage(pkg.bytes, { trustedKeys: [loadPublicKey(readFileSync(other.publicPem))] }));
    expect(e.code).toBe('signature-untrusted');
    expect(e.message).toMatch(/^package signature untrusted: signed by sha256:/);
    expect((await refused(async () => verifyPackage(pkg.bytes, { trustedKeys: [] }))).message).toContain('no key is trusted');
  });

  it('a forged signature under the trusted key id: package signature invalid', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const files = new Map(pkg.files);
    const index = JSON.parse(Buffer.from(files.get('index.json')!).toString()) as OciIndex;
    const sigDesc = index.manifests.find((d) => d.artifactType === MEDIA_TYPES.signatureArtifact)!;
    const sig = JSON.parse(Buffer.from(files.get(blobPath(sigDesc.digest))!).toString()) as OciManifest;
    const env = JSON.parse(Buffer.from(files.get(blobPath(sig.layers[0]!.digest))!).toString()) as { signatures: { sig: string }[] };
    const raw = Buffer.from(env.signatures[0]!.sig, 'base64');
    raw[0] ^= 0xff;
    env.signatures[0]!.sig = raw.toString('base64');
    const envBytes = jsonBytes(env);
    files.set(blobPath(sha256(envBytes)), envBytes);
    sig.layers[0] = { ...sig.layers[0]!, digest: sha256(envBytes), size: envBytes.length };
    replaceBlob(files, sigDesc.digest, jsonBytes(sig));
    const e = await refused(async () => verifyPackage(await (writeTar(files)), { trustedKeys: trusted }));
    expect(e.code).toBe('signature-invalid');
    expect(e.message).toMatch(/^package signature invalid: the Ed25519 signature does not verify/);
  });

  it("paths that escape the layout: '../', an absolute path, a symlink and a hard link, each refused with its own message", async () => {
    const cases: [Parameters<typeof tarOf>[0], RegExp][] = [
      [[{ name: '../evil', body: 'x' }], /climbs out with '\.\.'/],
      [[{ name: 'blobs/../../evil', body: 'x' }], /climbs out with '\.\.'/],
      [[{ name: '/etc/evil', body: 'x' }], /absolute path '\/etc\/evil'/],
      [[{ name: 'index.json', type: 'symlink', linkname: '../../etc/passwd' }], /'index.json' is a symbolic link to '\.\.\/\.\.\/etc\/passwd'/],
      [[{ name: 'oci-layout', type: 'link', linkname: '/etc/shadow' }], /is a hard link/],
    ];
    for (const [entries, message] of cases) {
      const e = await refused(async () => verifyPackage(await (tarOf(entries)), { trustedKeys: trusted }));
      expect(e.code).toBe('path-escape');
      expect(e.message).toMatch(/^package path escapes the layout: /);
      expect(e.message).toMatch(message);
    }
  });

  it('a truncated archive and a file that does not belong in a layout are refused', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    for (const cut of [pkg.bytes.length - 1024, pkg.bytes.length - 512 * 5, 1000]) {
      const e = await refused(async () => verifyPackage(pkg.bytes.subarray(0, cut), { trustedKeys: trusted }));
      expect(['bad-archive', 'bad-layout']).toContain(e.code);
    }
    const files = new Map(pkg.files);
    files.set('run-me.sh', new TextEncoder().encode('#!/bin/sh'));
    expect((await refused(async () => verifyPackage(await (writeTar(files)), { trustedKeys: trusted }))).code).toBe('bad-layout');
  });
});

describe('trust policy and cache', () => {
  it('a trust policy names keys per scope; a scope it does not cover trusts nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    const path = join(dir, 'policy.json');
    writeFileSync(path, JSON.stringify({ version: 1, trust: [{ scope: 'oci://127.0.0.1:*/pipelines/*', keys: [key.publicPem] }, { scope: 'file:*', keys: [readFileSync(other.publicPem, 'utf8')] }] }));
    const policy = loadPolicy(path);
    expect(trustedKeys(policy, 'oci://127.0.0.1:5000/pipelines/gain')).toHaveLength(1);
    expect(trustedKeys(policy, 'oci://example.com/pipelines/gain')).toHaveLength(0);
    const pkg = await packPipeline(manifest, { key: signing });
    expect(verifyPackage(pkg.bytes, { trustedKeys: trustedKeys(policy, 'oci://127.0.0.1:5000/pipelines/gain') }).signedBy).toBe(signing.keyId);
    expect((await refused(async () => verifyPackage(pkg.bytes, { trustedKeys: trustedKeys(policy, 'file:/tmp/x.rmpkg') }))).code).toBe('signature-untrusted');
    expect((await refused(async () => parsePolicy('{"version":2}'))).code).toBe('bad-policy');
  });

  it('caches blobs by digest under XDG_CACHE_HOME: a package comes back whole, a corrupt blob is dropped', async () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/spellbook');
    expect(defaultCacheDir({ HOME: '/home/u' }).endsWith('/.cache/spellbook')).toBe(true);
    const cache = new PackageCache(mkdtempSync(join(tmpdir(), 'cache-')));
    const pkg = await packPipeline(manifest, { key: signing });
    expect(cache.getLayout(pkg.digest)).toBeUndefined();
    cache.putLayout(pkg.digest, pkg.files);
    const writes = cache.writes;
    cache.putLayout(pkg.digest, pkg.files);
    expect(cache.writes).toBe(writes);
    const files = cache.getLayout(pkg.digest)!;
    expect(files.size).toBe(pkg.files.size);
    expect(verifyPackageFiles(files).digest).toBe(pkg.digest);
    const victim = [...files.keys()].find((p) => p.startsWith('blobs/') && files.get(p)!.length === 211)!;
    writeFileSync(join(cache.dir, victim), 'corrupt');
    expect(cache.getLayout(pkg.digest)).toBeUndefined();
    expect(readdirSync(join(cache.dir, 'blobs/sha256'))).not.toContain(victim.slice(13));
  });
});

const verifyPackageFiles = (files: Map<string, Uint8Array>) => verifyLayoutFiles(files, { trustedKeys: trusted });


describe('a verified package runs', () => {
  it('runs a verified package: its WASM node in the sandbox halves a tone that the level node then measures 6 dB lower', async () => {
    const pkg = await packPipeline(manifest, { key: signing });
    const v = verifyPackage(pkg.bytes, { trustedKeys: trusted });
    const p = pipelineFromPackage(v, { frameTimeMs: 1000 });
    const events: Record<string, unknown>[] = [];
    await p.run({ input: createNode('ToneSourceNode', 'in', { frequency: 440, amplitude: 0.5, duration_ms: 200 }), timeoutMs: 30_000, onOutput: (_id, f) => void (f.kind === 'data' && events.push(f.value as Record<string, unknown>)) });
    expect(events.length).toBeGreaterThan(5);
    for (const e of events) expect(e.peak_db as number).toBeCloseTo(-12.04, 1);
  }, 60_000);
});
