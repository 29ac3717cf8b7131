/** Digest and size checks on what a store returns (nothing unchecked leaves a store). */
import { sha256, type Descriptor } from '../package/index.js';
import { REGISTRY_LIMITS, RegistryMessages } from './constants.js';
import { RegistryError } from './errors.js';

export function checkBlob(d: Descriptor, bytes: Uint8Array, url?: string): Uint8Array {
  if (bytes.length !== d.size) throw new RegistryError('digest-mismatch', RegistryMessages.digestMismatch(`blob ${d.digest}`, `${d.size} bytes`, `${bytes.length} bytes`), { url });
  const got = sha256(bytes);
  if (got !== d.digest) throw new RegistryError('digest-mismatch', RegistryMessages.digestMismatch(`blob of ${d.size} bytes`, d.digest, got), { url });
  return bytes;
}

export function checkSize(what: string, size: number, limit: number): void {
  if (size > limit) throw new RegistryError('too-large', RegistryMessages.tooLarge(what, size, limit));
}

export const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
export { REGISTRY_LIMITS };
