/**
 * `npm run bench -- packages`:
 * 1. pack (signed), push and pull of a package with a PACKAGES_BENCH_MB (default 50) MB model
 *    layer against a docker-registry on loopback, and `skopeo copy` of the same OCI layout to the
 *    same registry and back in the same run; a second push (all blobs skipped) and a cached pull;
 * 2. the sandbox's cost per frame: the WAT gain node (gain.wasm) in a pipeline against the same
 *    gain as a plain JS node, PACKAGES_BENCH_FRAMES (default 5,000) 20 ms frames at 48 kHz;
 * 3. cold start of a sandboxed node: worker start and instantiation, median of 9.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPrivateKey, loadPublicKey, PackageCache, packPipeline, readTar } from '../src/package/index.js';
import { opensslKey, pipelineDir } from '../src/package/__fixtures__/fixture.js';
import { fn, Pipeline, sink, source, type AudioFrame } from '../src/pipeline/index.js';
import { pull, push } from '../src/registry/index.js';
import { startRegistry } from '../src/registry/__fixtures__/registry.js';
import { WasmNode } from '../src/sandbox/index.js';

const MB = Number(process.env.PACKAGES_BENCH_MB ?? 50);
const FRAMES = Number(process.env.PACKAGES_BENCH_FRAMES ?? 5000);
const GAIN = new URL('../src/sandbox/examples/gain.wasm', import.meta.url).pathname;

const ms = (t0: number) => performance.now() - t0;
const rate = (bytes: number, t: number) => `${((bytes / 1e6) / (t / 1000)).toFixed(1)} MB/s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function packages(): Promise<void> {
  const model = Buffer.alloc(MB * 1_000_000);
  for (let i = 0; i < model.length; i += 4) model.writeUInt32LE((Math.imul(i, 2654435761) ^ (i >>> 7)) >>> 0, i);
  const { manifest } = pipelineDir(model);
  const key = opensslKey();
  const signing = loadPrivateKey(readFileSync(key.privatePem));
  const trusted = [loadPublicKey(readFileSync(key.publicPem))];
  const registry = await startRegistry();
  try {
    let t0 = performance.now();
    const pkg = await packPipeline(manifest, { key: signing });
    const tPack = ms(t0);
    console.log(`pack (signed, ${MB} MB model): ${tPack.toFixed(0)} ms (${rate(pkg.bytes.length, tPack)}), ${pkg.bytes.length} bytes`);
    t0 = performance.now();
    const pushed = await push(pkg.bytes, `oci://${registry.host}/bench/ours:1`);
    const tPush = ms(t0);
    console.log(`spell push: ${tPush.toFixed(0)} ms (${rate(pushed.counters.bytesUploaded, tPush)}), ${pushed.counters.blobsUploaded} blobs, ${pushed.counters.chunksUploaded} chunks, ${pushed.counters.requests} requests`);
    t0 = performance.now();
    const again = await push(pkg.bytes, `oci://${registry.host}/bench/ours:1`);
    console.log(`spell push again: ${ms(t0).toFixed(0)} ms, ${again.counters.blobsSkipped} blobs skipped, ${again.counters.blobsUploaded} uploaded`);
    const cache = new PackageCache(mkdtempSync(join(tmpdir(), 'bench-cache-')));
    t0 = performance.now();
    const pulled = await pull(`oci://${registry.host}/bench/ours:1`, { trustedKeys: trusted, cache });
    const tPull = ms(t0);
    console.log(`spell pull (verify + cache): ${tPull.toFixed(0)} ms (${rate(pulled.counters.bytesDownloaded, tPull)})`);
    t0 = performance.now();
    const cached = await pull(`oci://${registry.host}/bench/ours:1`, { trustedKeys: trusted, cache });
    console.log(`spell pull again (cached): ${ms(t0).toFixed(0)} ms, ${cached.counters.blobsDownloaded} blobs fetched, ${cached.cached} from the cache`);

    // skopeo: the same layout as a directory, copied to the same registry and back.
    const dir = mkdtempSync(join(tmpdir(), 'bench-layout-'));
    for (const [name, bytes] of readTar(pkg.bytes)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), bytes);
    }
    try {
      t0 = performance.now();
      execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${dir}:latest`, `docker://${registry.host}/bench/skopeo:1`], { stdio: ['ignore', 'ignore', 'pipe'] });
      const tSkopeoPush = ms(t0);
      const back = mkdtempSync(join(tmpdir(), 'bench-back-'));
      t0 = performance.now();
      execFileSync('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${registry.host}/bench/skopeo:1`, `oci:${back}:latest`], { stdio: ['ignore', 'ignore', 'pipe'] });
      const tSkopeoPull = ms(t0);
      console.log(`skopeo copy layout -> registry: ${tSkopeoPush.toFixed(0)} ms; registry -> layout: ${tSkopeoPull.toFixed(0)} ms (no signature check)`);
      console.log(`ratio push ours/skopeo ${(tPush / tSkopeoPush).toFixed(2)}, pull ours/skopeo ${(tPull / tSkopeoPull).toFixed(2)}`);
      rmSync(back, { recursive: true, force: true });
    } catch (e) {
      console.log(`skopeo copy failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim().slice(0, 400)}`);
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache.dir, { recursive: true, force: true });
  } finally {
    await registry.stop();
  }
}

async function sandboxCost(): Promise<void> {
  const frames = (): AudioFrame[] => Array.from({ length: FRAMES }, (_, i) => ({ kind: 'audio', sampleRate: 48000, channels: 1, samples: new Float32Array(960).fill(0.5), mediaTimeUs: i * 20_000, captureTimeMs: 0 }));
  const run = async (node: Parameters<Pipeline['add']>[0]) => {
    const p = new Pipeline('bench').add(source('src', frames(), ['audio'])).add(node).add(sink('out', () => {}));
    const t0 = performance.now();
    await p.run();
    return (ms(t0) * 1000) / FRAMES;
  };
  const js = await run(fn('gain-js', (f) => ({ ...(f as AudioFrame), samples: (f as AudioFrame).samples.map((x) => x * 0.5) }), { inputs: ['audio'], outputs: ['audio'] }));
  const wasm = await run(new WasmNode('gain-wasm', { module: GAIN }));
  console.log(`per frame (960 samples): JS node ${js.toFixed(1)} µs, WASM node in its worker ${wasm.toFixed(1)} µs: ${(wasm / js).toFixed(1)}x (${FRAMES} frames)`);
}

async function coldStart(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const node = new WasmNode(`cold${i}`, { module: GAIN });
    const t0 = performance.now();
    await node.open();
    times.push(ms(t0));
    await node.close();
  }
  console.log(`cold start of a sandboxed node (check, compile, worker, instantiate): median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
}

await packages();
await sandboxCost();
await coldStart();
