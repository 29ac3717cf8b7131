/**
 * `spellbook/swarm`: agents that find each other through a signaling server (src/signaling)
 * and work together over WebRTC data channels (RFC 8831) in a full mesh: messages, heartbeats,
 * SHA-256-checked artifact transfer, task delegation, knowledge sharing and consensus votes.
 * `SwarmAgent` here runs on node-datachannel; `spellbook/swarm` in a page uses
 * `SwarmAgentCore` with `browserTransport()`.
 */
import { SwarmAgent as SwarmAgentCore, type SwarmAgentOptions } from './agent.js';
import { nodeTransport } from './node-transport.js';

/** Options of the Node agent: the transport defaults to node-datachannel. */
export type NodeSwarmAgentOptions = Omit<SwarmAgentOptions, 'transport'> & { transport?: SwarmAgentOptions['transport'] };

/** A swarm agent on node-datachannel (pass `transport` to use another). */
export class SwarmAgent extends SwarmAgentCore {
  constructor(options: NodeSwarmAgentOptions) {
    super({ ...options, transport: options?.transport ?? nodeTransport() });
  }
}

export { SwarmAgentCore };
export type {
  ArtifactHandler,
  ConsensusOptions,
  ConsensusResult,
  DelegateOptions,
  KnowledgeHandler,
  KnowledgeValidator,
  MessageHandler,
  PeerEntry,
  PeerStatus,
  SwarmAgentEvents,
  SwarmAgentOptions,
  SwarmPayload,
  SwarmStats,
  TaskContext,
  TaskExecutor,
  VoteHandler,
} from './agent.js';
export { type Artifact, sha256Hex } from './artifacts.js';
export { browserTransport, parseIceServer } from './browser-transport.js';
export * from './constants.js';
export { SwarmError, SwarmMessageError, TaskError, type MessageErrorReason, type SwarmErrorCode } from './errors.js';
export { PeerLink, type LinkHooks, type LinkStatus, type LinkTiming, type SignalOut } from './link.js';
export { liveNodeConnections, nodeTransport } from './node-transport.js';
export { Topology, chosenNeighbours, fnv1a } from './topology.js';
export { decodeChunkFrame, decodeControl, encodeChunkFrame, encodeControl, type ChunkFrame, type ControlMessage, type ControlType, type KnowledgeItem, type Vote } from './protocol.js';
export { percentileOf, summarize, type RttSummary, type TrafficCounters } from './stats.js';
export type { ConnectionConfig, ConnectionEvents, LinkState, PeerTransport, SwarmChannel, TransportConnection } from './transport.js';
