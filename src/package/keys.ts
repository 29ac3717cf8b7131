/**
 * Ed25519 keys as PEM files, as openssl writes them (`openssl genpkey -algorithm ed25519`:
 * PKCS#8 private, RFC 5958; `openssl pkey -pubout`: SubjectPublicKeyInfo, RFC 8410). A key id
 * is `sha256:` + hex SHA-256 of the public key's SPKI DER.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { PackageMessages } from './constants.js';
import { PackageError } from './errors.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return `sha256:${createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex')}`;
}

/** A PKCS#8 PEM Ed25519 private key. */
export function loadPrivateKey(pem: string | Uint8Array, source = 'key'): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(pem), format: 'pem' });
  } catch (e) {
    throw new PackageError('bad-key', PackageMessages.badKey(`${source} is not a PEM private key (PKCS#8): ${(e as Error).message}`), { path: source, cause: e });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new PackageError('bad-key', PackageMessages.badKey(`${source} is a ${privateKey.asymmetricKeyType} key; Ed25519 is required`), { path: source });
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** An SPKI PEM Ed25519 public key (a private key is refused: pass the public half). */
export function loadPublicKey(pem: string | Uint8Array, source = 'key'): KeyObject {
  const text = Buffer.from(pem).toString('utf8');
  if (text.includes('PRIVATE KEY')) throw new PackageError('bad-key', PackageMessages.badKey(`${source} is a private key; trust takes a public key (openssl pkey -pubout)`), { path: source });
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch (e) {
    throw new PackageError('bad-key', PackageMessages.badKey(`${source} is not a PEM public key (SPKI): ${(e as Error).message}`), { path: source, cause: e });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new PackageError('bad-key', PackageMessages.badKey(`${source} is a ${key.asymmetricKeyType} key; Ed25519 is required`), { path: source });
  return key;
}
