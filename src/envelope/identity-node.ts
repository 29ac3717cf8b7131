/**
 * Node identities on node:crypto (Ed25519, RFC 8032), key files, and the Node verification
 * primitive. Not for browsers: they use identity-web.ts.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { KEY_FILE_KIND, KEY_FILE_MODE } from './constants.js';
import { concatBytes, fromBase64, toBase64 } from './codec.js';
import { KeyFileError } from './errors.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  PKCS8_ED25519_PREFIX,
  SPKI_ED25519_PREFIX,
  agentIdFromDigest,
  formatPublicKey,
  parsePublicKey,
  type SyncSigner,
} from './identity.js';

export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** The agent id of a raw Ed25519 public key (see identity.ts for the derivation). */
export function agentIdOf(publicKey: Uint8Array): string {
  return agentIdFromDigest(sha256(publicKey));
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - ED25519_PUBLIC_KEY_BYTES));
}

/** The serialized key file (JSON). `private_key` is the base64 32-byte seed (RFC 8032 section 5.1.5). */
interface KeyFileJson {
  kind: string;
  agent_id: string;
  public_key: string;
  private_key: string;
}

/** An agent's Ed25519 key pair in Node. The private key never leaves this object except into a 0600 key file. */
export class NodeIdentity implements SyncSigner {
  readonly publicKey: Uint8Array;
  readonly agentId: string;
  readonly #privateKey: KeyObject;

  private constructor(privateKey: KeyObject) {
    this.#privateKey = privateKey;
    this.publicKey = rawPublicKey(createPublicKey(privateKey));
    this.agentId = agentIdOf(this.publicKey);
  }

  static generate(): NodeIdentity {
    return new NodeIdentity(generateKeyPairSync('ed25519').privateKey);
  }

  /** From a 32-byte seed (RFC 8032 section 5.1.5): the same seed always gives the same identity. */
  static fromSeed(seed: Uint8Array): NodeIdentity {
    if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
    return new NodeIdentity(createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_ED25519_PREFIX, seed)), format: 'der', type: 'pkcs8' }));
  }

  /** Read a key file written by `writeKeyFile`; refuses files readable by group or others (POSIX). */
  static fromKeyFile(path: string): NodeIdentity {
    if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) throw new KeyFileError('key-file-permissions', path);
    let parsed: Partial<KeyFileJson>;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeyFileJson>;
    } catch {
      throw new KeyFileError('bad-key-file', path);
    }
    const seed = typeof parsed.private_key === 'string' ? fromBase64(parsed.private_key.replace(/^ed25519:/, '')) : undefined;
    if (parsed.kind !== KEY_FILE_KIND || !seed || seed.length !== 32) throw new KeyFileError('bad-key-file', path);
    const identity = NodeIdentity.fromSeed(seed);
    if (parsed.public_key !== formatPublicKey(identity.publicKey)) throw new KeyFileError('bad-key-file', path);
    return identity;
  }

  /** `ed25519:<base64>` of the public key. */
  get publicKeyText(): string {
    return formatPublicKey(this.publicKey);
  }

  sign(data: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, data, this.#privateKey));
  }

  /**
   * Write the key file with mode 0600, refusing to replace an existing file unless `force`.
   * The private key is written there and nowhere else.
   */
  writeKeyFile(path: string, options: { force?: boolean } = {}): void {
    if (existsSync(path) && !options.force) throw new KeyFileError('key-file-exists', path);
    const der = this.#privateKey.export({ format: 'der', type: 'pkcs8' });
    const body: KeyFileJson = {
      kind: KEY_FILE_KIND,
      agent_id: this.agentId,
      public_key: this.publicKeyText,
      private_key: `ed25519:${toBase64(new Uint8Array(der.subarray(der.length - 32)))}`,
    };
    writeFileSync(path, JSON.stringify(body, null, 2) + '\n', { mode: KEY_FILE_MODE, flag: options.force ? 'w' : 'wx' });
    chmodSync(path, KEY_FILE_MODE); // an existing file keeps its old mode on 'w'
  }
}

/**
 * A public key from text: `ed25519:<base64>`, bare base64, or a key file (only its public
 * half is read, so no permission check). KeyFileError `bad-public-key` otherwise.
 */
export function readPublicKey(textOrPath: string): Uint8Array {
  if (existsSync(textOrPath)) {
    const text = readFileSync(textOrPath, 'utf8').trim();
    if (text.startsWith('{')) {
      try {
        const parsed = JSON.parse(text) as Partial<KeyFileJson>;
        if (typeof parsed.public_key === 'string') return parsePublicKey(parsed.public_key);
      } catch {
        /* fall through */
      }
      throw new KeyFileError('bad-public-key', textOrPath);
    }
    return parsePublicKey(text);
  }
  return parsePublicKey(textOrPath);
}

const KEY_CACHE_MAX = 1024;
const keyCache = new Map<string, KeyObject>();

function publicKeyObject(raw: Uint8Array): KeyObject {
  const id = toBase64(raw);
  let key = keyCache.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.from(concatBytes(SPKI_ED25519_PREFIX, raw)), format: 'der', type: 'spki' });
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
    keyCache.set(id, key);
  }
  return key;
}

/** Ed25519 verification (RFC 8032 section 5.1.7) with node:crypto; false for malformed keys or signatures. */
export function verifyEd25519(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verify(null, data, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
