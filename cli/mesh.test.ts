import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NodeIdentity } from '../src/envelope/index.js';
import { runSpell } from './__fixtures__/run-spell.js';

describe('spell mesh keygen', () => {
  it('spell mesh keygen writes a 0600 key file, prints the agent id and public key, never the private key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-keygen-'));
    const file = join(dir, 'a.key');
    const run = runSpell(['mesh', 'keygen', '--out', file]);
    expect(run.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const identity = NodeIdentity.fromKeyFile(file);
    expect(run.stdout).toContain(identity.agentId);
    expect(run.stdout).toContain(identity.publicKeyText);
    const privateKey = (JSON.parse(readFileSync(file, 'utf8')) as { private_key: string }).private_key.slice('ed25519:'.length);
    expect(run.stdout + run.stderr).not.toContain(privateKey);
    const again = runSpell(['mesh', 'keygen', '--out', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(NodeIdentity.fromKeyFile(file).agentId).toBe(identity.agentId);
    const forced = runSpell(['mesh', 'keygen', '--out', file, '--force']);
    expect(forced.code).toBe(0);
    expect(NodeIdentity.fromKeyFile(file).agentId).not.toBe(identity.agentId);
  }, 120_000);
});
