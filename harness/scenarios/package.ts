/**
 * Scenario `package` (issue #11): a signed pipeline package on a remote executor. The scenario
 * makes an Ed25519 key, packs a pipeline whose first node is a WebAssembly gain (the sandbox's
 * gain.wasm: it halves every sample) with `spell pack --key`, pushes it with `spell push` to a
 * real registry (Debian's docker-registry on a free loopback port when it is installed, else a
 * local OCI layout: the embedded default, nothing to start), and starts an executor process
 * trusting the public key (`spell serve --key`, its own cache). A caller pipeline then runs a
 * RemotePipelineNode naming the package (`manifest_url: oci://...`) on a 440 Hz tone.
 *
 * Checks: the executor verified the package (signed by the key) before running it; the WASM
 * node's effect is in the events that come back (peak -12.04 dB for a 0.5 tone); a second run
 * fetches no blob (the cache); an unsigned package under another tag is refused with "package
 * signature missing" naming the node, and the executor keeps serving; the package sent over the
 * data channel with a wrong digest is refused, with the right one it is verified and runs, and
 * a second run sends nothing.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { keyIdOf, loadPublicKey } from '../../src/package/index.js';
import { createNode, Pipeline, type Frame } from '../../src/pipeline/index.js';
import { connectExecutor, RemoteError, RemoteExecutors } from '../../src/remote/index.js';
import { serveProcess } from '../../src/remote/__fixtures__/serve.js';
import { startRegistry } from '../../src/registry/__fixtures__/registry.js';
import { atMost, equals, isTrue, round } from '../checks.js';
import type { Check, Scenario } from '../types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** From harness/scenarios (source) or dist/harness/scenarios (build). */
const beside = (...path: string[]) => [resolve(HERE, '..', '..', ...path), resolve(HERE, '..', '..', '..', ...path)].find(existsSync)!;
const BIN = beside('bin', 'spell.js');
const GAIN_WASM = beside('src', 'sandbox', 'examples', 'gain.wasm');
const run = promisify(execFile);

const MANIFEST = `version: v1
metadata:
  name: conform-gain
  description: a WebAssembly gain (halves the audio) in the sandbox, then a level meter
nodes:
  - id: gain
    node_type: WasmNode
    params: {module: wasm/gain.wasm, kind: audio}
  - id: level
    node_type: AudioLevelNode
    params: {}
connections:
  - {from: gain, to: level}
`;
/** A 0.5 sine halved by the WASM gain peaks at 0.25: 20 log10(0.25). */
const EXPECTED_PEAK_DB = 20 * Math.log10(0.25);

interface PackageRun {
  events: Frame[];
  error?: Error;
  ms: number;
}

/** A tone through a RemotePipelineNode that names the package, on the executor at `url`. */
async function runPackage(url: string, manifestUrl: string, frames: number): Promise<PackageRun> {
  const remote = new RemoteExecutors();
  const events: Frame[] = [];
  const t0 = performance.now();
  try {
    const p = new Pipeline('conform-caller');
    p.add(createNode('ToneSourceNode', 'tone', { frequency: 440, amplitude: 0.5, sample_rate: 48000, duration_ms: frames * 20, frame_ms: 20 }));
    p.add(createNode('RemotePipelineNode', 'far', { transport: 'webrtc', endpoint: url, manifest_url: manifestUrl }));
    const error = await p.run({ remote, timeoutMs: 60_000, onOutput: (id, f) => { if (id === 'far') events.push(f); } }).then(() => undefined, (e: unknown) => e as Error);
    return { events, ms: performance.now() - t0, ...(error ? { error } : {}) };
  } finally {
    await remote.close();
  }
}

/** The largest distance of an event's peak from the halved tone's, dB (NaN without events). */
function peakError(events: Frame[]): number {
  const peaks = events.map((e) => (e.kind === 'data' ? (e.value as { peak_db?: number }).peak_db ?? Number.NaN : Number.NaN));
  return peaks.length ? Math.max(...peaks.map((p) => Math.abs(p - EXPECTED_PEAK_DB))) : Number.NaN;
}

const fetched = (log: string, ref: string): number => {
  const all = [...log.matchAll(new RegExp(`from ${ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, verified: signed by \\S+, (\\d+) blobs fetched`, 'g'))];
  return all.length ? Number(all.at(-1)![1]) : Number.NaN;
};

export const packageScenario: Scenario = {
  name: 'package',
  description:
    'Signed pipeline package on a remote executor (src/remote + src/package + src/registry): packed and signed with spell pack, pushed to docker-registry (or a local OCI layout), ' +
    'pulled, verified and run in the WASM sandbox by a spell serve process; cache, refusal of an unsigned package, transfer over the data channel checked by digest.',
  defaults: {
    duration: 5,
    thresholds: { frames: 25, maxPeakErrorDb: 0.1, maxCachedBlobsFetched: 0, maxRunMs: 30_000 },
  },
  thresholdDocs: {
    frames: 'frames of 20 ms the caller sends through the package per run (a setting, not a limit)',
    maxPeakErrorDb: 'each level event from the package against the WASM gain\'s halved tone (-12.04 dB peak), dB, at most',
    maxCachedBlobsFetched: 'blobs the executor fetches again for a package it has run before, at most',
    maxRunMs: 'one run of the package through the executor (connect, pull and verify on the first run, the frames, the events back), ms, at most',
  },

  async run(ctx) {
    const th = ctx.thresholds;
    const frames = th.frames!;
    const checks: Check[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'conform-package-'));
    ctx.defer(() => rmSync(dir, { recursive: true, force: true }));

    ctx.progress('pack');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'key.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    const keyId = keyIdOf(loadPublicKey(readFileSync(join(dir, 'key.pub.pem'))));
    mkdirSync(join(dir, 'pipeline', 'wasm'), { recursive: true });
    copyFileSync(GAIN_WASM, join(dir, 'pipeline', 'wasm', 'gain.wasm'));
    writeFileSync(join(dir, 'pipeline', 'pipeline.yaml'), MANIFEST);
    const spell = (...args: string[]) => run(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    const packed = await spell('pack', join(dir, 'pipeline', 'pipeline.yaml'), '-o', join(dir, 'gain.rmpkg'), '--key', join(dir, 'key.pem'));
    const digest = /(sha256:[0-9a-f]{64})/.exec(packed.stdout)?.[1] ?? '';
    checks.push(isTrue('package made and signed by spell pack', packed.stdout.includes(`signed by ${keyId}`), packed.stdout.trim()));
    mkdirSync(join(dir, 'pipeline-unsigned', 'wasm'), { recursive: true });
    copyFileSync(GAIN_WASM, join(dir, 'pipeline-unsigned', 'wasm', 'gain.wasm'));
    writeFileSync(join(dir, 'pipeline-unsigned', 'pipeline.yaml'), MANIFEST.replace('conform-gain', 'conform-unsigned'));
    await spell('pack', join(dir, 'pipeline-unsigned', 'pipeline.yaml'), '-o', join(dir, 'unsigned.rmpkg'));

    ctx.progress('registry');
    let base: string;
    let where: string;
    const layouts = join(dir, 'layouts');
    try {
      const registry = await startRegistry();
      ctx.defer(() => registry.stop());
      base = `oci://${registry.host}/conform`;
      where = `docker-registry on ${registry.host}`;
    } catch (e) {
      base = `oci:${layouts}/conform`;
      where = `a local OCI layout (docker-registry unavailable: ${(e as Error).message.split('\n')[0]})`;
    }
    const ref = `${base}/gain:1`;
    const unsignedRef = `${base}/gain:unsigned`;
    const pushed = await spell('push', join(dir, 'gain.rmpkg'), ref);
    await spell('push', join(dir, 'unsigned.rmpkg'), unsignedRef);
    ctx.note(`package ${digest} pushed to ${where}: ${pushed.stdout.trim()}`);

    ctx.progress('executor');
    const executor = await serveProcess(['--name', 'conform-package-executor', '--key', join(dir, 'key.pub.pem'), '--layout', layouts], { XDG_CACHE_HOME: join(dir, 'executor-cache') }, BIN);
    ctx.defer(() => executor.stop());

    ctx.progress('first run');
    const first = await runPackage(executor.url, ref, frames);
    checks.push(isTrue('the executor verified the package before running it', executor.stderr().includes(`package conform-gain ${digest} from ${ref}, verified: signed by ${keyId}`), first.error?.message ?? `signed by ${keyId}`));
    checks.push(equals('level events back from the package', first.events.length, frames, first.error?.message));
    checks.push(atMost('WASM gain in the sandbox: largest peak error against -12.04 dB', round(peakError(first.events), 3), th.maxPeakErrorDb!, 'dB', `${fetched(executor.stderr(), ref)} blobs pulled`));
    checks.push(atMost('first run (pull, verify, sandbox, frames)', round(first.ms, 1), th.maxRunMs!, 'ms'));

    ctx.progress('cached run');
    const second = await runPackage(executor.url, ref, frames);
    checks.push(atMost('blobs fetched again on a second run (cache)', fetched(executor.stderr(), ref), th.maxCachedBlobsFetched!, undefined, `${second.events.length} events, ${round(second.ms, 1)} ms, ${second.error?.message ?? 'ok'}`));

    ctx.progress('refusal');
    const refused = await runPackage(executor.url, unsignedRef, frames);
    checks.push(isTrue('an unsigned package is refused, naming the node', /remote node 'far' on \S+ failed: package signature missing: /.test(refused.error?.message ?? '') && refused.events.length === 0, refused.error?.message ?? 'it ran'));
    const after = await runPackage(executor.url, ref, frames);
    checks.push(isTrue('the executor keeps serving after a refusal', executor.child.exitCode === null && after.events.length === frames && !after.error, `${after.events.length} events, ${after.error?.message ?? 'ok'}`));

    ctx.progress('data channel');
    const conn = await connectExecutor(executor.url);
    let wrong: unknown;
    try {
      wrong = await conn.sendPackage(new Uint8Array(readFileSync(join(dir, 'gain.rmpkg'))), { digest: `sha256:${'0'.repeat(64)}` }).catch((e: unknown) => e);
    } finally {
      await conn.close();
    }
    checks.push(isTrue('a package sent with a wrong digest is refused', wrong instanceof RemoteError && wrong.remoteCode === 'digest-mismatch', wrong instanceof Error ? wrong.message : 'accepted'));
    // A fresh executor with an empty cache, so the file really crosses the channel.
    const receiver = await serveProcess(['--name', 'conform-package-receiver', '--key', join(dir, 'key.pub.pem')], { XDG_CACHE_HOME: join(dir, 'receiver-cache') }, BIN);
    ctx.defer(() => receiver.stop());
    const sent = await runPackage(receiver.url, `file:${join(dir, 'gain.rmpkg')}`, frames);
    const again = await runPackage(receiver.url, `file:${join(dir, 'gain.rmpkg')}`, frames);
    const transfers = (receiver.stderr().match(/ sent package conform-gain /g) ?? []).length;
    checks.push(isTrue('a package sent over the data channel is verified by the executor and runs', /sent package conform-gain \S+ \(\d+ bytes\), verified: signed by/.test(receiver.stderr()) && sent.events.length === frames && round(peakError(sent.events), 3) <= th.maxPeakErrorDb!, sent.error?.message ?? `${sent.events.length} events`));
    checks.push(equals('packages sent over the channel for two runs (the second is offered by digest)', transfers, 1, `${again.events.length} events on the second run, ${again.error?.message ?? 'ok'}`));
    ctx.artifact?.('executor.log', executor.stderr());
    ctx.artifact?.('receiver.log', receiver.stderr());
    return checks;
  },
};
