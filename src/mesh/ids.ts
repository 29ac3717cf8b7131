/**
 * Agent ids and swarm peer ids (browser-safe: no imports). Swarm peer ids are the agent ids
 * without `if://agent/` (26 base32 characters, RFC 4648 section 6), so the data channel a
 * message arrives on names the agent it must come from.
 */
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

/** What the mesh needs of a roster: the pinned key of an agent id. */
export interface KeyRing {
  get(agentId: string): Uint8Array | undefined;
}
