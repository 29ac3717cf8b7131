import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opensslKey, pipelineDir } from '../src/package/__fixtures__/fixture.js';
import { startRegistry } from '../src/registry/__fixtures__/registry.js';
import { runSpell } from './__fixtures__/run-spell.js';

describe('spell push and spell pull', () => {
  it('spell push to a real registry and spell pull back verified, cached under XDG_CACHE_HOME; an untrusted key is refused with nothing written', async () => {
    const registry = await startRegistry();
    const cache = mkdtempSync(join(tmpdir(), 'xdg-cache-'));
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      const key = opensslKey();
      const other = opensslKey();
      const { dir, manifest } = pipelineDir();
      const pkg = join(dir, 'gain.rmpkg');
      expect(runSpell(['pack', manifest, '-o', pkg, '--key', key.privatePem, '--tag', '1.0']).code).toBe(0);
      const ref = `oci://${registry.host}/pipelines/gain:1.0`;
      const pushed = runSpell(['push', pkg, ref]);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stdout).toMatch(/pushed .* 1 signature\(s\); 6 blobs uploaded/);
      const refused = runSpell(['pull', ref, '-o', join(dir, 'refused.rmpkg'), '--key', other.publicPem]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^spell pull: package signature untrusted: /);
      expect(readdirSync(dir)).not.toContain('refused.rmpkg');
      const out = join(dir, 'pulled.rmpkg');
      const pulled = runSpell(['pull', ref, '-o', out, '--key', key.publicPem]);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(readFileSync(out).equals(readFileSync(pkg))).toBe(true);
      expect(readdirSync(join(cache, 'spellbook/blobs/sha256')).length).toBe(8);
      const second = runSpell(['pull', ref, '--key', key.publicPem]);
      expect(second.stdout).toMatch(/0 blobs fetched \(0 bytes\), 5 from the cache/);
    } finally {
      process.env.XDG_CACHE_HOME = saved;
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      await registry.stop();
    }
  }, 120_000);
});
