/**
 * The text a joining peer signs with its Ed25519 key (RFC 8032). Domain-separated by the
 * protocol id so a signature made here can never be replayed as a signature of anything else,
 * and bound to the room, the peer id and the server's one-time nonce. No Node-only imports:
 * the browser client uses it too.
 */
import { PROTOCOL_ID } from './constants.js';

/** `spellbook-signaling-v1\n<room>\n<peerId>\n<nonce>` (peerId is '' when the server assigns one). */
export function challengeText(room: string, peerId: string, nonce: string): string {
  return `${PROTOCOL_ID}\n${room}\n${peerId}\n${nonce}`;
}

export function challengeBytes(room: string, peerId: string, nonce: string): Uint8Array {
  return new TextEncoder().encode(challengeText(room, peerId, nonce));
}

/** base64 (RFC 4648 section 4) without Buffer, for the browser. */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
