import { mkdtempSync, readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from './codec.js';
import { EnvelopeComposer } from './envelope.js';
import { KeyFileError } from './errors.js';
import { parsePublicKey } from './identity.js';
import { NodeIdentity, agentIdOf, readPublicKey, sha256, verifyEd25519 } from './identity-node.js';
import { WebIdentity, agentIdOfWeb, verifyEd25519Web } from './identity-web.js';
import { EnvelopeVerifier } from './verifier.js';

describe('identity', () => {
  it('derives the agent id from SHA-256 of the public key as base32 of its first 16 bytes', () => {
    const id = NodeIdentity.fromSeed(new Uint8Array(32));
    // RFC 8032 section 7.1 test 1 has seed 9d61...; an all-zero seed is just as deterministic.
    expect(id.agentId).toMatch(/^if:\/\/agent\/[a-z2-7]{26}$/);
    expect(id.agentId).toBe(agentIdOf(id.publicKey));
    expect(NodeIdentity.fromSeed(new Uint8Array(32)).agentId).toBe(id.agentId);
    expect(NodeIdentity.generate().agentId).not.toBe(id.agentId);
    // RFC 8032 section 7.1, TEST 1: the public key of seed 9d61b19d... is d75a9801...
    const rfc = NodeIdentity.fromSeed(Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex'));
    expect(toHex(rfc.publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(toHex(rfc.sign(new Uint8Array(0)))).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(toHex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('WebCrypto and node:crypto identities agree: same seed, same id, each verifies the other', async () => {
    const seed = new Uint8Array(32).fill(9);
    const web = await WebIdentity.fromSeed(seed);
    const node = NodeIdentity.fromSeed(seed);
    expect(web.agentId).toBe(node.agentId);
    expect(await agentIdOfWeb(node.publicKey)).toBe(node.agentId);
    const data = new TextEncoder().encode('hello');
    expect(toHex(await web.sign(data))).toBe(toHex(node.sign(data))); // Ed25519 is deterministic
    expect(verifyEd25519(web.publicKey, data, await web.sign(data))).toBe(true);
    expect(await verifyEd25519Web(node.publicKey, data, node.sign(data))).toBe(true);
    expect(await verifyEd25519Web(node.publicKey, data, new Uint8Array(64))).toBe(false);
    const fresh = await WebIdentity.generate();
    const message = await new EnvelopeComposer(fresh).seal({
      performative: 'inform', receiver: 'if://agent/*', conversation_id: 'if://conversation/x', content: { n: 1 }, scope: { mission_id: 'm', workflow: 'w', domain: 'd' },
    });
    const verifier = new EnvelopeVerifier({ keys: (id) => (id === fresh.agentId ? fresh.publicKeyText : undefined) });
    expect(verifier.verify(message).envelope.sender).toBe(fresh.agentId);
  });

  it('writes a key file with mode 0600, reads it back, refuses group-readable files and overwrites', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envelope-key-'));
    const path = join(dir, 'agent.key');
    const id = NodeIdentity.generate();
    id.writeKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const back = NodeIdentity.fromKeyFile(path);
    expect(back.agentId).toBe(id.agentId);
    const data = new Uint8Array([1, 2, 3]);
    expect(verifyEd25519(id.publicKey, data, back.sign(data))).toBe(true);
    expect(() => id.writeKeyFile(path)).toThrow(KeyFileError);
    expect(readPublicKey(path)).toEqual(id.publicKey);
    expect(readPublicKey(id.publicKeyText)).toEqual(id.publicKey);
    chmodSync(path, 0o644);
    let error: unknown;
    try {
      NodeIdentity.fromKeyFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyFileError);
    expect((error as KeyFileError).code).toBe('key-file-permissions');
    // The private key appears in the file and nowhere in an error.
    const seedText = (JSON.parse(readFileSync(path, 'utf8')) as { private_key: string }).private_key;
    expect((error as Error).message).not.toContain(seedText.slice(8));
    id.writeKeyFile(path, { force: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, 'bad.key'), '{"kind":"other"}', { mode: 0o600 });
    expect(() => NodeIdentity.fromKeyFile(join(dir, 'bad.key'))).toThrow(/not a spellbook Ed25519 key file/);
    expect(() => parsePublicKey('ed25519:AAAA')).toThrow(KeyFileError);
  });
});
