/**
 * Signed packages on remote executors (issue #11), all real: Debian's docker-registry on
 * loopback, `spell serve` executor processes (from the build) and in-process Executors,
 * node-datachannel peers, the packaged gain.wasm in the sandbox's worker threads.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey, loadPublicKey, packPipeline, type PackedPackage } from '../package/index.js';
import { opensslKey, pipelineDir } from '../package/__fixtures__/fixture.js';
import { createNode, Pipeline, PipelineError, sink, type Frame } from '../pipeline/index.js';
import { push } from '../registry/index.js';
import { startRegistry, type RunningRegistry } from '../registry/__fixtures__/registry.js';
import { repointSignature, swapModelLayer } from '../registry/__fixtures__/tamper.js';
import { serveProcess, type ServeProcess } from './__fixtures__/serve.js';
import { connectExecutor, Executor, REMOTE_LIMITS, RemoteError, RemoteExecutors } from './index.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const key = opensslKey();
const other = opensslKey();
const signing = loadPrivateKey(readFileSync(key.privatePem));
const otherSigning = loadPrivateKey(readFileSync(other.privatePem));
const trusted = loadPublicKey(readFileSync(key.publicPem));
const TONE = { frequency: 440, amplitude: 0.5, sample_rate: 48000, channels: 1, duration_ms: 400, frame_ms: 20 };

/**
 * A tone through a RemotePipelineNode whose package is `manifestUrl`, run on the executor at
 * `url`: the level events that come back (the package's output node), or the run's error.
 */
async function runPackage(url: string, manifestUrl: string): Promise<{ events: Frame[]; error?: PipelineError }> {
  const remote = new RemoteExecutors();
  const events: Frame[] = [];
  try {
    const p = new Pipeline('caller');
    p.add(createNode('ToneSourceNode', 'tone', TONE));
    p.add(createNode('RemotePipelineNode', 'far', { transport: 'webrtc', endpoint: url, manifest_url: manifestUrl }));
    p.add(sink('out', (f) => void events.push(f)));
    const error = await p.run({ remote, timeoutMs: 90_000 }).then(() => undefined, (e: unknown) => e as PipelineError);
    return { events, ...(error ? { error } : {}) };
  } finally {
    await remote.close();
  }
}

/** The packaged gain.wasm halves the 0.5 tone: every level event reads a 0.25 peak (-12.04 dB). */
function expectHalvedTone(events: Frame[]): void {
  expect(events).toHaveLength(20); // 400 ms in 20 ms frames, one level event each
  for (const e of events) {
    expect(e.kind).toBe('data');
    const v = (e as { value: { _schema: string; peak_db: number } }).value;
    expect(v._schema).toBe('audio_level_event');
    expect(v.peak_db).toBeCloseTo(-12.04, 1);
  }
}

let registry: RunningRegistry;
let pkg: PackedPackage;
let ref: string;
beforeAll(async () => {
  registry = await startRegistry();
  pkg = await packPipeline(pipelineDir().manifest, { key: signing });
  ref = `oci://${registry.host}/pipelines/gain:1`;
  await push(pkg.bytes, ref);
}, 60_000);
afterAll(async () => {
  await registry?.stop();
});

describe('an executor process runs signed packages from a real registry', () => {
  let executor: ServeProcess;
  beforeAll(async () => {
    // The second executor: its own process, its own cache, trusting the publisher's public key.
    executor = await serveProcess(['--name', 'pkg-executor', '--key', key.publicPem], { XDG_CACHE_HOME: tmp('executor-cache-') });
  }, 30_000);
  afterAll(async () => {
    await executor?.stop();
  });

  it('a signed package pushed to the registry is pulled by a spell serve process, verified and run in its sandbox as a RemotePipelineNode: tone in, level events out at the WASM gain\'s -12.04 dB; a second run fetches no blob, and by digest nothing at all', async () => {
    const first = await runPackage(executor.url, ref);
    expect(first.error).toBeUndefined();
    expectHalvedTone(first.events);
    expect(executor.stderr()).toContain(`package gain-demo ${pkg.digest} from ${ref}, verified: signed by ${signing.keyId}, 5 blobs fetched`);

    const second = await runPackage(executor.url, ref);
    expect(second.error).toBeUndefined();
    expectHalvedTone(second.events);
    expect(executor.stderr()).toContain(`from ${ref}, verified: signed by ${signing.keyId}, 0 blobs fetched`);

    // By digest, from a registry that does not exist: the executor's cache has it whole.
    const byDigest = `oci://127.0.0.1:9/pipelines/gain@${pkg.digest}`;
    const third = await runPackage(executor.url, byDigest);
    expect(third.error).toBeUndefined();
    expectHalvedTone(third.events);
    expect(executor.stderr()).toContain(`from ${byDigest}, verified: signed by ${signing.keyId}, 0 blobs fetched`);
  }, 120_000);

  it('refuses an unsigned, an untrusted and a tampered package with its own error naming the node, runs none of them, and keeps serving', async () => {
    const unsigned = `oci://${registry.host}/pipelines/unsigned:1`;
    await push((await packPipeline(pipelineDir(Buffer.from('unsigned')).manifest)).bytes, unsigned);
    const untrusted = `oci://${registry.host}/pipelines/untrusted:1`;
    await push((await packPipeline(pipelineDir(Buffer.from('other key')).manifest, { key: otherSigning })).bytes, untrusted);
    // Tampered: the model layer swapped under the tag, and the old signature re-pointed at the changed manifest.
    const tampered = `oci://${registry.host}/pipelines/tampered:1`;
    const good = await packPipeline(pipelineDir(Buffer.from('to tamper with')).manifest, { key: signing });
    await push(good.bytes, tampered);
    await repointSignature(registry.host, 'pipelines/tampered', good, await swapModelLayer(registry.host, 'pipelines/tampered', '1', good));

    const cases: [string, RegExp][] = [
      [unsigned, /^remote node 'far' on ws:\/\/127\.0\.0\.1:\d+\/signaling failed: package signature missing: no signature refers to the package manifest sha256:/],
      [untrusted, new RegExp(`^remote node 'far' on ws://\\S+ failed: package signature untrusted: signed by ${otherSigning.keyId}`)],
      [tampered, /^remote node 'far' on ws:\/\/\S+ failed: package signature invalid: the statement names sha256:[0-9a-f]{64}, not the package manifest/],
    ];
    for (const [reference, message] of cases) {
      const r = await runPackage(executor.url, reference);
      expect(r.error).toBeInstanceOf(PipelineError);
      expect(r.error!.code).toBe('remote-failed');
      expect(r.error!.nodeId).toBe('far');
      expect(r.error!.message).toMatch(message);
      expect(r.events).toEqual([]);
      expect(executor.stderr()).toContain(`package ${reference} refused: package signature`);
    }
    // Still serving: the good package runs again.
    expect(executor.child.exitCode).toBeNull();
    const again = await runPackage(executor.url, ref);
    expect(again.error).toBeUndefined();
    expectHalvedTone(again.events);
  }, 120_000);
});

describe('packages sent over the data channel, and local OCI layouts', () => {
  let executor: Executor;
  let url: string;
  const layouts = tmp('layouts-');
  beforeAll(async () => {
    executor = new Executor({ port: 0, name: 'channel-executor', packages: { trustedKeys: [trusted], cacheDir: tmp('channel-cache-'), layoutRoots: [layouts] } });
    ({ url } = await executor.listen());
  });
  afterAll(async () => {
    await executor.close();
  });

  it('a package sent over the data channel is checked against the digest the caller names (a wrong one is refused), verified with the executor\'s own keys, cached by digest and run; a second run sends nothing', async () => {
    const conn = await connectExecutor(url);
    try {
      expect(conn.info.capabilities.features).toEqual(expect.arrayContaining(['packages', 'package-transfer']));
      const wrong = `sha256:${'0'.repeat(64)}`;
      const err = (await conn.sendPackage(pkg.bytes, { digest: wrong }).catch((e: unknown) => e)) as RemoteError;
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.code).toBe('refused');
      expect(err.remoteCode).toBe('digest-mismatch');
      expect(err.message).toContain(`package digest mismatch: the caller named ${wrong}, the package sent is ${pkg.digest}`);
      expect(executor.stats.packagesReceived).toBe(0);
      // Not held: a start by that digest says so.
      const missing = (await conn.start({ package: pkg.digest }).catch((e: unknown) => e)) as RemoteError;
      expect(missing.remoteCode).toBe('package-missing');
      // Signed by a key the executor does not trust: refused after the transfer, nothing kept.
      const foreign = await packPipeline(pipelineDir(Buffer.from('foreign')).manifest, { key: otherSigning });
      const untrusted = (await conn.sendPackage(foreign.bytes, { digest: foreign.digest }).catch((e: unknown) => e)) as RemoteError;
      expect(untrusted.remoteCode).toBe('signature-untrusted');
      expect(untrusted.message).toMatch(/package signature untrusted: /);
      expect(executor.packages.cache.getLayout(foreign.digest)).toBeUndefined();
    } finally {
      await conn.close();
    }
    const file = join(tmp('send-'), 'gain.rmpkg');
    writeFileSync(file, pkg.bytes);
    const first = await runPackage(url, `file:${file}`);
    expect(first.error).toBeUndefined();
    expectHalvedTone(first.events);
    expect(executor.stats.packagesReceived).toBe(1);
    const second = await runPackage(url, `file:${file}`);
    expect(second.error).toBeUndefined();
    expectHalvedTone(second.events);
    expect(executor.stats.packagesReceived).toBe(1); // offered by digest, held: nothing sent
    expect(executor.stats.packagesLoaded).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a file: that does not read as a package is refused on the caller\'s side and nothing of it is sent', async () => {
    const secret = join(tmp('secret-'), 'id_ed25519');
    writeFileSync(secret, 'not a package, and not for the executor');
    const { packagesReceived: received, packagesRefused: refused } = executor.stats;
    const r = await runPackage(url, `file:${secret}`);
    expect(r.error).toBeInstanceOf(PipelineError);
    expect(r.error!.nodeId).toBe('far');
    expect(r.error!.code).toBe('bad-param');
    expect(r.error!.message).toMatch(/^node 'far': manifest_url file:\S+id_ed25519: package archive malformed: /);
    expect(executor.stats.packagesReceived).toBe(received);
    expect(executor.stats.packagesRefused).toBe(refused);
  }, 60_000);

  it('streams a package larger than the 16 MiB message limit in parts of one channel message each; a package over the executor\'s limit is refused at its announcement and nothing is kept', async () => {
    const big = await packPipeline(pipelineDir(randomBytes(17 << 20)).manifest, { key: signing });
    expect(big.bytes.length).toBeGreaterThan(REMOTE_LIMITS.maxMessageBytes);
    const conn = await connectExecutor(url);
    try {
      const stored = await conn.sendPackage(big.bytes, { digest: big.digest });
      expect(stored.digest).toBe(big.digest);
      expect(stored.signedBy).toBe(signing.keyId);
      expect(executor.packages.cache.getLayout(big.digest)).toBeDefined();
    } finally {
      await conn.close();
    }
    const small = new Executor({ port: 0, packages: { trustedKeys: [trusted], cacheDir: tmp('small-cache-'), maxPackageBytes: 1 << 20 } });
    const { url: smallUrl } = await small.listen();
    const c2 = await connectExecutor(smallUrl);
    try {
      const err = (await c2.sendPackage(big.bytes, { digest: big.digest }).catch((e: unknown) => e)) as RemoteError;
      expect(err.remoteCode).toBe('too-large');
      expect(err.message).toMatch(/a package of \d+ bytes is over this executor's limit of 1048576/);
      // Refused at the announcement: the caller stops sending parts once it hears it (17 MB take
      // about a second here, the refusal a loopback round trip), and nothing was kept.
      expect(c2.link.bytesSent).toBeLessThan(big.bytes.length);
      expect(small.stats.packagesReceived).toBe(0);
      expect(small.stats.packagesRefused).toBe(1);
    } finally {
      await c2.close();
      await small.close();
    }
  }, 120_000);

  it('runs a package from a local OCI layout under its layout directory (oci:<dir>:tag, nothing started); a layout elsewhere is refused, and so is a registry it trusts no key for, before any request', async () => {
    await push(pkg.bytes, `oci:${join(layouts, 'gain')}:1`);
    const r = await runPackage(url, `oci:${join(layouts, 'gain')}:1`);
    expect(r.error).toBeUndefined();
    expectHalvedTone(r.events);

    const elsewhere = tmp('elsewhere-');
    await push(pkg.bytes, `oci:${elsewhere}:1`);
    const out = await runPackage(url, `oci:${elsewhere}:1`);
    expect(out.error!.nodeId).toBe('far');
    expect(out.error!.message).toMatch(/is not under this executor's layout directories/);

    const strict = new Executor({ port: 0, packages: { policy: { entries: [{ scope: 'oci://registry.example/*', keys: [trusted] }] }, cacheDir: tmp('strict-cache-') } });
    const { url: strictUrl } = await strict.listen();
    try {
      const before = executor.stats.blobsFetched;
      const refused = await runPackage(strictUrl, ref);
      expect(refused.error!.message).toMatch(new RegExp(`failed: package signature untrusted: this executor trusts no key for oci://${registry.host}/pipelines/gain \\(nothing was fetched\\)`));
      expect(strict.stats.blobsFetched).toBe(0);
      expect(strict.stats.packagesRefused).toBe(1);
      expect(executor.stats.blobsFetched).toBe(before);
    } finally {
      await strict.close();
    }
    const bad = await runPackage(url, 'https://example.com/pipeline.json');
    expect(bad.error!.code).toBe('bad-param');
    expect(bad.error!.message).toMatch(/other URLs are not fetched/);
  }, 120_000);
});
