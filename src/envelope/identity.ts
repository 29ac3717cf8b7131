/**
 * Agent identity, shared by the Node and WebCrypto paths (browser-safe: no Node imports).
 *
 * An agent is an Ed25519 key pair (RFC 8032). Its id is derived from the raw 32-byte public
 * key: `if://agent/` + lowercase unpadded base32 (RFC 4648 section 6) of the first 16 bytes of
 * SHA-256(public key), 26 characters. 128 bits: finding a second key for an existing id costs
 * about 2^128 hashes. The id is a name, not a credential: verifiers still check signatures
 * against the key they pinned for that id.
 */
import { AGENT_ID_HASH_BYTES, AGENT_URI_PREFIX } from './constants.js';
import { fromBase64, toBase32, toBase64 } from './codec.js';
import { KeyFileError } from './errors.js';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
/** DER prefix of a PKCS #8 Ed25519 private key (RFC 8410 section 7) before its 32-byte seed. */
export const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
/** DER prefix of an SPKI Ed25519 public key (RFC 8410 section 4) before its 32 bytes. */
export const SPKI_ED25519_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** Anything that can sign for an agent: Node (synchronous) or WebCrypto (asynchronous). */
export interface Signer<R extends Uint8Array | Promise<Uint8Array> = Uint8Array | Promise<Uint8Array>> {
  readonly agentId: string;
  /** Raw 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  /** Ed25519 signature (64 bytes) over `data`. */
  sign(data: Uint8Array): R;
}
export type SyncSigner = Signer<Uint8Array>;
export type AsyncSigner = Signer<Promise<Uint8Array>>;

/** Agent id from SHA-256 of the raw public key (the digest; callers hash with node:crypto or WebCrypto). */
export function agentIdFromDigest(digest: Uint8Array): string {
  return AGENT_URI_PREFIX + toBase32(digest.subarray(0, AGENT_ID_HASH_BYTES));
}

/** `ed25519:` + base64 of the raw key, the form IFMessage v2.1 carries in `signature.public_key`. */
export function formatPublicKey(raw: Uint8Array): string {
  if (raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new KeyFileError('bad-public-key');
  return `ed25519:${toBase64(raw)}`;
}

/** Raw 32 bytes from `ed25519:<base64>` (or bare base64); KeyFileError `bad-public-key` otherwise. */
export function parsePublicKey(text: string): Uint8Array {
  const body = text.startsWith('ed25519:') ? text.slice(8) : text;
  const raw = fromBase64(body.trim());
  if (!raw || raw.length !== ED25519_PUBLIC_KEY_BYTES) throw new KeyFileError('bad-public-key');
  return raw;
}
