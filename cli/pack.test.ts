import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { opensslKey, pipelineDir } from '../src/package/__fixtures__/fixture.js';
import { runSpell } from './__fixtures__/run-spell.js';

describe('spell pack and spell verify', () => {
  it('spell pack signs with an openssl key; spell verify accepts it with the public key and refuses an untrusted key, an unsigned package and a changed one', () => {
    const key = opensslKey();
    const other = opensslKey();
    const { dir, manifest } = pipelineDir();
    const out = join(dir, 'gain.rmpkg');
    const packed = runSpell(['pack', manifest, '-o', out, '--key', key.privatePem]);
    expect(packed.code, packed.stderr).toBe(0);
    expect(packed.stdout).toMatch(/^packed .*gain\.rmpkg: sha256:[0-9a-f]{64} \(\d+ bytes, 8 blobs, signed by sha256:[0-9a-f]{64}\)\n$/);
    const again = join(dir, 'again.rmpkg');
    runSpell(['pack', manifest, '-o', again, '--key', key.privatePem]);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);

    const ok = runSpell(['verify', out, '--key', key.publicPem]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('wasm  wasm/gain.wasm (211 bytes)');
    expect(ok.stdout).toContain('model models/tiny.bin');

    const untrusted = runSpell(['verify', out, '--key', other.publicPem]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^spell verify: package signature untrusted: /);

    const unsigned = join(dir, 'unsigned.rmpkg');
    expect(runSpell(['pack', manifest, '-o', unsigned]).code).toBe(0);
    const missing = runSpell(['verify', unsigned, '--key', key.publicPem]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^spell verify: package signature missing: /);

    const bytes = readFileSync(out);
    const at = bytes.indexOf(Buffer.from('model weights'));
    bytes[at] ^= 1;
    const changed = join(dir, 'changed.rmpkg');
    writeFileSync(changed, bytes);
    const mismatch = runSpell(['verify', changed, '--key', key.publicPem]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^spell verify: package blob digest mismatch: /);

    // With a policy instead of --key.
    const policy = join(dir, 'trust.json');
    writeFileSync(policy, JSON.stringify({ version: 1, trust: [{ scope: 'file:*', keys: [key.publicPem] }] }));
    expect(runSpell(['verify', out, '--policy', policy]).code).toBe(0);
    // Usage errors exit 2.
    expect(runSpell(['verify', join(dir, 'nothing.rmpkg')]).code).toBe(2);
    expect(runSpell(['pack', join(dir, 'missing.yaml')]).code).toBe(2);
    expect(existsSync(join(dir, 'gain-demo.rmpkg'))).toBe(false);
  }, 120_000);
});
