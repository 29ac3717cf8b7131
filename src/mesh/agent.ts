/**
 * MeshAgent: the Node mesh agent. MeshAgentCore (core.ts) on a node-datachannel SwarmAgent,
 * with every envelope and session binding checked by the full EnvelopeVerifier (pinned key,
 * signature, TTL, replay window and nonce cache, JSON Schema, size; docs/envelope.md).
 */
import { EnvelopeVerifier, sdpBindingOf, verifySessionDescription, type EnvelopeVerifierOptions, type Signer } from '../envelope/index.js';
import { nodeTransport, SwarmAgent, type NodeSwarmAgentOptions } from '../swarm/index.js';
import { MAX_MESH_ENVELOPE_BYTES } from './constants.js';
import { MeshAgentCore, type MeshCoreOptions } from './core.js';
import { Roster } from './roster.js';
import { fileMeshState } from './state-file.js';
import type { MeshStateStore } from './state.js';

export interface MeshAgentOptions extends Omit<NodeSwarmAgentOptions, 'peerId' | 'identity'>, Pick<MeshCoreOptions, 'bindSessions' | 'conversationId' | 'scope' | 'relay'> {
  /** The agent's Ed25519 identity (NodeIdentity, or any Signer). Its agent id names it in the room. */
  identity: Signer;
  /** Keys of the room's members (raw or `ed25519:<base64>`), or a Roster. Messages from agents not on it are `unknown-sender`. */
  roster: Roster | Iterable<Uint8Array | string>;
  /** Options of the EnvelopeVerifier (clock, skew, replay window, ...); keys and self are the mesh's. */
  verifier?: Omit<EnvelopeVerifierOptions, 'keys' | 'self'>;
  /**
   * Sequence numbers and delivered acknowledged messages across restarts: a MeshStateStore,
   * or the path of a journal file (`fileMeshState`). Without it: the clock epoch and memory.
   */
  state?: MeshStateStore | string;
}

export class MeshAgent extends MeshAgentCore {
  /** The pinned keys (add to it when a member is admitted). */
  declare readonly roster: Roster;
  /** The verifier every envelope and binding goes through (its stats count by code too). */
  readonly verifier: EnvelopeVerifier;

  constructor(options: MeshAgentOptions) {
    const { identity, roster: keys, bindSessions, conversationId, scope, relay, verifier: verifierOptions, transport, state, ...swarmOptions } = options;
    const roster = keys instanceof Roster ? keys : new Roster(keys);
    const verifier = new EnvelopeVerifier({
      ...verifierOptions,
      maxBytes: Math.min(verifierOptions?.maxBytes ?? MAX_MESH_ENVELOPE_BYTES, MAX_MESH_ENVELOPE_BYTES),
      keys: (id) => roster.get(id),
      ...(identity?.agentId ? { self: identity.agentId } : {}),
    });
    super({
      identity,
      roster,
      transport: transport ?? nodeTransport(),
      swarm: (t, peerId) => new SwarmAgent({ ...swarmOptions, peerId, identity, transport: t }),
      crypto: {
        verify: (value) => verifier.verify(value).envelope,
        bindingOf: (d) => sdpBindingOf(d),
        verifyBinding: (remote, value) => verifySessionDescription(verifier, { ...remote, binding: value }),
      },
      ...(bindSessions !== undefined ? { bindSessions } : {}),
      ...(conversationId !== undefined ? { conversationId } : {}),
      ...(scope !== undefined ? { scope } : {}),
      // Over a partial swarm (its `neighbours` option) relaying goes to every bound peer.
      ...(relay !== undefined || swarmOptions.neighbours !== undefined ? { relay: { partial: swarmOptions.neighbours !== undefined, ...relay } } : {}),
      ...(state !== undefined ? { state: typeof state === 'string' ? fileMeshState(state) : state } : {}),
    });
    this.verifier = verifier;
  }
}
