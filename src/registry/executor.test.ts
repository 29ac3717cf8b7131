import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPrivateKey, packPipeline } from '../package/index.js';
import { opensslKey, pipelineDir } from '../package/__fixtures__/fixture.js';
import { startRegistry } from './__fixtures__/registry.js';
import { push } from './index.js';

const EXECUTOR = fileURLToPath(new URL('./__fixtures__/executor.ts', import.meta.url));

function executor(ref: string, publicPem: string, cacheHome: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', EXECUTOR, ref, publicPem], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome }, timeout: 60_000 });
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { node?: string; value?: { peak_db: number }; summary?: { digest: string; signedBy: string; fetched: number; cached: number } });
  return { code: r.status, stderr: r.stderr, events: lines.filter((l) => l.node), summary: lines.find((l) => l.summary)?.summary };
}

describe('a package pushed here, pulled and run by a second executor', () => {
  it('a signed package pushed to the registry is pulled by another process, verified and run with its WASM node in the sandbox; a second run fetches no blob; a replaced unsigned tag runs nothing', async () => {
    const registry = await startRegistry();
    try {
      const key = opensslKey();
      const pkg = await packPipeline(pipelineDir().manifest, { key: loadPrivateKey(readFileSync(key.privatePem)) });
      const ref = `oci://${registry.host}/pipelines/gain:1`;
      await push(pkg.bytes, ref);
      const cacheHome = mkdtempSync(join(tmpdir(), 'executor-cache-'));

      const first = executor(ref, key.publicPem, cacheHome);
      expect(first.code, first.stderr).toBe(0);
      expect(first.summary).toMatchObject({ digest: pkg.digest, fetched: 5 });
      expect(first.events.length).toBeGreaterThan(5);
      // The packaged gain.wasm halved the 0.5 tone: the level node reads a 0.25 peak.
      for (const e of first.events) expect(e.value!.peak_db).toBeCloseTo(-12.04, 1);

      const second = executor(ref, key.publicPem, cacheHome);
      expect(second.code, second.stderr).toBe(0);
      expect(second.summary).toMatchObject({ digest: pkg.digest, fetched: 0 });
      expect(second.events.length).toBe(first.events.length);

      await push((await packPipeline(pipelineDir(Buffer.from('swapped')).manifest)).bytes, ref);
      const refused = executor(ref, key.publicPem, cacheHome);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^package signature missing: /);
      expect(refused.events).toEqual([]);
    } finally {
      await registry.stop();
    }
  }, 120_000);
});
