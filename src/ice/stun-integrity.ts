/**
 * STUN message authentication and fingerprint checks: MESSAGE-INTEGRITY (RFC 8489 section
 * 14.5, HMAC-SHA1), MESSAGE-INTEGRITY-SHA256 (section 14.6, HMAC-SHA256, possibly truncated),
 * FINGERPRINT (section 14.7, CRC-32 XOR 0x5354554e) and the long-term key (section 9.2.2).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FINGERPRINT_XOR, STUN_HEADER_LENGTH, StunAttributeType as A } from './constants.js';
import { crc32 } from './crc32.js';
import type { StunMessage } from './stun-message.js';

/** A MESSAGE-INTEGRITY key: raw bytes, or a short-term password (used as its UTF-8 bytes). */
export type StunKey = Uint8Array | string;

/**
 * HMAC over `bytes[0..attributeOffset)` as if the header's length field were
 * `attributeOffset + 4 + valueLength - 20` (the message ending right after this attribute).
 * This is the computation of sections 14.5 and 14.6; `bytes` is left untouched.
 */
export function computeIntegrity(
  algorithm: 'sha1' | 'sha256',
  bytes: Uint8Array,
  attributeOffset: number,
  valueLength: number,
  key: StunKey,
): Uint8Array {
  const adjusted = attributeOffset + 4 + valueLength - STUN_HEADER_LENGTH;
  const lengthField = new Uint8Array([adjusted >> 8, adjusted & 0xff]);
  const hmac = createHmac(algorithm, key); // a string key is used as its UTF-8 bytes
  hmac.update(bytes.subarray(0, 2));
  hmac.update(lengthField);
  hmac.update(bytes.subarray(4, attributeOffset));
  return hmac.digest();
}

/** CRC-32 of `bytes[0..fingerprintOffset)` XOR 0x5354554e (section 14.7). */
export function computeFingerprint(bytes: Uint8Array, fingerprintOffset: number): number {
  return (crc32(bytes, 0, fingerprintOffset) ^ FINGERPRINT_XOR) >>> 0;
}

/**
 * True when the message carries MESSAGE-INTEGRITY and it matches `key` (section 14.5).
 * For ICE and other short-term credentials the key is the password (section 9.1.1);
 * for long-term credentials it is `longTermKey(...)`.
 */
export function verifyMessageIntegrity(message: StunMessage, key: StunKey): boolean {
  const a = message.find(A.MessageIntegrity);
  if (!a) return false;
  const expected = computeIntegrity('sha1', message.bytes, a.offset, a.length, key);
  return timingSafeEqual(expected, message.bytes.subarray(a.offset + 4, a.offset + 4 + a.length));
}

/** True when the message carries MESSAGE-INTEGRITY-SHA256 and it matches `key` (section 14.6, truncation allowed). */
export function verifyMessageIntegritySha256(message: StunMessage, key: StunKey): boolean {
  const a = message.find(A.MessageIntegritySha256);
  if (!a) return false;
  const expected = computeIntegrity('sha256', message.bytes, a.offset, a.length, key).subarray(0, a.length);
  return timingSafeEqual(expected, message.bytes.subarray(a.offset + 4, a.offset + 4 + a.length));
}

/** True when the message ends in a FINGERPRINT that matches its bytes (section 14.7). */
export function verifyFingerprint(message: StunMessage): boolean {
  const a = message.find(A.Fingerprint);
  if (!a) return false;
  return computeFingerprint(message.bytes, a.offset) === message.view.getUint32(a.offset + 4);
}

/**
 * Long-term credential key (section 9.2.2): MD5 (or SHA-256) of "username:realm:password".
 * The password is used as given: apply the OpaqueString profile (RFC 8265) yourself if needed.
 */
export function longTermKey(username: string, realm: string, password: string, algorithm: 'MD5' | 'SHA-256' = 'MD5'): Uint8Array {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(`${username}:${realm}:${password}`, 'utf8').digest();
}
