/**
 * Identities on WebCrypto (Ed25519 as in Chromium 137+ and Node 20's globalThis.crypto):
 * browser-safe, no Node imports. Signing and verification are asynchronous here.
 */
import { concatBytes } from './codec.js';
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, PKCS8_ED25519_PREFIX, agentIdFromDigest, formatPublicKey, type AsyncSigner } from './identity.js';

const ED25519 = { name: 'Ed25519' } as const;

function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error('WebCrypto (crypto.subtle) is not available here: a secure context is needed');
  return s;
}

/** SHA-256 with WebCrypto. */
export async function sha256Web(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', data as BufferSource));
}

/** The agent id of a raw public key, computed with WebCrypto. */
export async function agentIdOfWeb(publicKey: Uint8Array): Promise<string> {
  return agentIdFromDigest(await sha256Web(publicKey));
}

/** An agent's key pair as a non-extractable WebCrypto private key. */
export class WebIdentity implements AsyncSigner {
  readonly #privateKey: CryptoKey;
  private constructor(
    privateKey: CryptoKey,
    readonly publicKey: Uint8Array,
    readonly agentId: string,
  ) {
    this.#privateKey = privateKey;
  }

  static async #from(privateKey: CryptoKey, publicKey: CryptoKey): Promise<WebIdentity> {
    const raw = new Uint8Array(await subtle().exportKey('raw', publicKey));
    return new WebIdentity(privateKey, raw, await agentIdOfWeb(raw));
  }

  static async generate(): Promise<WebIdentity> {
    const pair = (await subtle().generateKey(ED25519, false, ['sign', 'verify'])) as CryptoKeyPair;
    return WebIdentity.#from(pair.privateKey, pair.publicKey);
  }

  /** From a 32-byte seed (RFC 8032 section 5.1.5), imported as PKCS #8 (RFC 8410). */
  static async fromSeed(seed: Uint8Array): Promise<WebIdentity> {
    if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
    const pkcs8 = concatBytes(PKCS8_ED25519_PREFIX, seed);
    // Import extractable once to read the public half as JWK, then keep a non-extractable copy.
    const tmp = await subtle().importKey('pkcs8', pkcs8 as BufferSource, ED25519, true, ['sign']);
    const jwk = await subtle().exportKey('jwk', tmp);
    const pub = await subtle().importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, ED25519, true, ['verify']);
    const priv = await subtle().importKey('pkcs8', pkcs8 as BufferSource, ED25519, false, ['sign']);
    return WebIdentity.#from(priv, pub);
  }

  get publicKeyText(): string {
    return formatPublicKey(this.publicKey);
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(await subtle().sign(ED25519, this.#privateKey, data as BufferSource));
  }
}

/** Ed25519 verification with WebCrypto; false for malformed keys or signatures. */
export async function verifyEd25519Web(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    const key = await subtle().importKey('raw', publicKey as BufferSource, ED25519, false, ['verify']);
    return await subtle().verify(ED25519, key, signature as BufferSource, data as BufferSource);
  } catch {
    return false;
  }
}
