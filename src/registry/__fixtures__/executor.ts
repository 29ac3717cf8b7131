/**
 * A second executor, as a separate process: `node --import tsx executor.ts <oci-ref> <public.pem>`.
 * Pulls the package (its own cache: XDG_CACHE_HOME), verifies it, runs it with its WASM nodes in
 * the sandbox on a 440 Hz tone, and prints one JSON line per output event, then a summary line.
 * A refused package exits 1 with the reason on stderr, having run nothing.
 */
import { readFileSync } from 'node:fs';
import { loadPublicKey, PackageCache, pipelineFromPackage } from '../../package/index.js';
import { createNode } from '../../pipeline/index.js';
import { pull } from '../index.js';

const [ref, keyFile] = process.argv.slice(2);
try {
  const pulled = await pull(ref!, { trustedKeys: [loadPublicKey(readFileSync(keyFile!))], cache: new PackageCache() });
  const pipeline = pipelineFromPackage(pulled.package, { frameTimeMs: 1000 });
  await pipeline.run({
    input: createNode('ToneSourceNode', 'in', { frequency: 440, amplitude: 0.5, duration_ms: 200 }),
    timeoutMs: 30_000,
    onOutput: (node, f) => {
      if (f.kind === 'data') process.stdout.write(`${JSON.stringify({ node, value: f.value })}\n`);
    },
  });
  process.stdout.write(`${JSON.stringify({ summary: { digest: pulled.package.digest, signedBy: pulled.package.signedBy, fetched: pulled.counters.blobsDownloaded, cached: pulled.cached } })}\n`);
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}
