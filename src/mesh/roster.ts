/**
 * The keys an agent already holds for the members of its room. A receiver verifies every
 * envelope against the key on its roster for the claimed sender, never against the key the
 * envelope carries (docs/envelope.md). The same keys form the signaling room's Ed25519 roster
 * (src/signaling, `auth.rooms[room].keys`), so the server admits exactly these agents.
 *
 * Swarm peer ids are the agent ids without `if://agent/` (26 base32 characters, RFC 4648
 * section 6), so the data channel a message arrives on names the agent it must come from.
 */
import { agentIdOf, formatPublicKey, parsePublicKey, toBase64 } from '../envelope/index.js';
import { AGENT_PREFIX } from './constants.js';
import { MeshError } from './errors.js';

/** The swarm peer id of an agent id: the 26 base32 characters after `if://agent/`. */
export function peerIdOf(agentId: string): string {
  if (!agentId.startsWith(AGENT_PREFIX)) throw new MeshError('bad-option', `not an agent id: ${agentId.slice(0, 64)}`);
  return agentId.slice(AGENT_PREFIX.length);
}

/** The agent id of a swarm peer id. */
export function agentIdOfPeer(peerId: string): string {
  return AGENT_PREFIX + peerId;
}

export class Roster {
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
