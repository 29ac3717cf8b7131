/**
 * `spellbook/mesh`: agents that sign every message they send and verify every message they
 * receive against the keys they already hold. `MeshAgent` runs on the swarm transport
 * (src/swarm) with IFMessage v2.1 envelopes (src/envelope); signed session descriptions
 * bind each DTLS fingerprint to its agent; `RelayNode` forwards signed messages through a few
 * neighbours with de-duplication by (sender, sequence). See docs/mesh.md.
 */
export { MeshAgent, type MeshAgentOptions } from './agent.js';
export { MeshAgentCore, type MeshCoreOptions, type MeshCrypto, type MeshDraft, type MeshStats, type IFMessageHandler, type Rejection, type SentMessage, type Acknowledgement } from './core.js';
export { memoryMeshState, parseMeshState, formatMeshState, type MeshStateStore, type MeshSavedState, type DeliveredRecord } from './state.js';
export { fileMeshState, type FileMeshStateOptions } from './state-file.js';
export { bindingTransport, type BindingTransport, type Description, type NegotiatedDescriptions } from './binding-transport.js';
export { Roster, peerIdOf, agentIdOfPeer } from './roster.js';
export { MeshError } from './errors.js';
export {
  REJECTION_CODES,
  MESH_REJECTION_CODES,
  BINDING_FAILURE_CODES,
  MESH_ERRORS,
  MAX_MESH_ENVELOPE_BYTES,
  MAX_PENDING_PER_PEER,
  BROADCAST_RECEIVER,
  WIRE_IFMESSAGE,
  WIRE_BINDING,
  WIRE_ACK,
  ACK_RETRY_MS,
  SEQUENCE_EPOCH_FACTOR,
  type RejectionCode,
  type MeshRejectionCode,
  type BindingFailureCode,
  type MeshErrorCode,
} from './constants.js';
export { recordSignaling, agentNoteSigner, cosignedCheckpoint, verifyMeshWitness, type MeshWitnessReport } from './witness.js';
export { RelayRouter, relayNeighbours, type RelayDecision, type RelayRouterOptions } from './relay.js';
export { simulateRelay, type RelaySimulationOptions, type RelaySimulationResult } from './simulate.js';
export { WIRE_RELAY, DEFAULT_RELAY_DEGREE, DEFAULT_MAX_HOPS } from './constants.js';
export { WebMeshAgent, WebEnvelopeChecker, WebKeyRing, fingerprintLines, type WebMeshAgentOptions } from './web.js';
