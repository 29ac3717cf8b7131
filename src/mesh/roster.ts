/**
 * The keys an agent already holds for the members of its room. A receiver verifies every
 * envelope against the key on its roster for the claimed sender, never against the key the
 * envelope carries (docs/envelope.md). The same keys form the signaling room's Ed25519 roster
 * (src/signaling, `auth.rooms[room].keys`), so the server admits exactly these agents.
 *
 * Swarm peer ids are the agent ids without `if://agent/` (ids.ts).
 */
import { agentIdOf, formatPublicKey, parsePublicKey, toBase64 } from '../envelope/index.js';

import type { KeyRing } from './ids.js';
export { peerIdOf, agentIdOfPeer } from './ids.js';

export class Roster implements KeyRing {
  readonly #keys = new Map<string, Uint8Array>();

  constructor(keys: Iterable<Uint8Array | string> = []) {
    for (const k of keys) this.add(k);
  }

  /** Pins a raw 32-byte key or `ed25519:<base64>`; returns the agent id derived from it. */
  add(key: Uint8Array | string): string {
    const raw = typeof key === 'string' ? parsePublicKey(key) : Uint8Array.from(key);
    formatPublicKey(raw); // throws KeyFileError bad-public-key unless 32 bytes
    const id = agentIdOf(raw);
    this.#keys.set(id, raw);
    return id;
  }

  /** The pinned key of an agent id, or undefined. */
  get(agentId: string): Uint8Array | undefined {
    return this.#keys.get(agentId);
  }

  has(agentId: string): boolean {
    return this.#keys.has(agentId);
  }

  get size(): number {
    return this.#keys.size;
  }

  agentIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** Base64 of each raw key: the signaling server's `auth.rooms[room] = { keys }`. */
  signalingKeys(): string[] {
    return [...this.#keys.values()].map((k) => toBase64(k));
  }
}
