/** Limits, wire names and messages of `spellbook/mesh`, in one place. */
import { ENVELOPE_ERROR_CODES, SDP_BINDING_ERRORS } from '../envelope/index.js';

/** Swarm payload type of a signed IFMessage: `{ type: 'ifmessage', envelope: '<JSON text>' }`. */
export const WIRE_IFMESSAGE = 'ifmessage';
/** Swarm payload type of a signed session-description binding: `{ type: 'mesh-binding', binding: '<JSON text>' }`. */
export const WIRE_BINDING = 'mesh-binding';
/** Swarm payload type of a relayed IFMessage: `{ type: 'ifmessage-relay', envelope, hops }`. */
export const WIRE_RELAY = 'ifmessage-relay';
/**
 * Swarm payload type of an acknowledgement: `{ type: 'mesh-ack', envelope: '<JSON text>' }`, an
 * envelope signed by the receiver, addressed to the original sender, whose content is
 * `{ mesh_ack: { sequence_num, nonce } }` of the message it acknowledges. A message that asks
 * for one travels as `{ type: 'ifmessage', envelope, ack: true }`.
 */
export const WIRE_ACK = 'mesh-ack';
/** The content member of an acknowledgement envelope. */
export const ACK_CONTENT_KEY = 'mesh_ack';
/** An unacknowledged message is sent again this often while its receiver's channel is bound (and at once when it binds again). */
export const ACK_RETRY_MS = 1_000;
/** Messages waiting for their acknowledgement, per agent; more are refused (`bad-message`). */
export const MAX_UNACKNOWLEDGED = 10_000;
/**
 * Delivered acknowledged messages remembered, per agent, until their TTL (plus the clock skew
 * the verifier allows) has run out; the oldest go first beyond this.
 */
export const MAX_DELIVERED_REMEMBERED = 100_000;
/** Clock skew added to a delivered message's TTL before its record is forgotten (the verifier's default). */
export const DELIVERED_SKEW_MS = 30_000;
/**
 * First sequence number of an agent with no saved state: milliseconds since the epoch x 1000.
 * A restarted agent starts above everything it sent before as long as it sent fewer than 1,000
 * messages per millisecond of its life (signing alone stays under 50 per ms), and stays below
 * 2^53 (the schema's maximum) until the year 2255.
 */
export const SEQUENCE_EPOCH_FACTOR = 1_000;
/** Sequence numbers reserved in the state store at a time (a crash skips at most this many). */
export const SEQUENCE_BLOCK = 1_024;
/** State journal: longest line read back; lines before compaction. */
export const MAX_STATE_LINE_CHARS = 4_096;
export const STATE_COMPACT_LINES = 50_000;

/**
 * Largest envelope text on the wire. The swarm's control message limit is 64 KiB including the
 * wrapper, so an envelope gets 60 KiB.
 */
export const MAX_MESH_ENVELOPE_BYTES = 60 * 1024;
/** How long a send waits for a peer's pending session binding before withholding the message. */
export const BINDING_WAIT_MS = 10_000;
/** Messages held per peer while its session binding has not arrived yet. */
export const MAX_PENDING_PER_PEER = 256;
/** Relay: hops a message may travel (a 1,000-agent graph of degree 4 has a diameter near 8). */
export const DEFAULT_MAX_HOPS = 16;
/** Relay: (sender, sequence) pairs remembered for de-duplication. */
export const DEFAULT_SEEN_CACHE = 100_000;
/** Relay: neighbours each agent keeps. */
export const DEFAULT_RELAY_DEGREE = 4;

export const DEFAULT_CONVERSATION_ID = 'if://conversation/mesh';
export const DEFAULT_SCOPE = { mission_id: 'mesh', workflow: 'mesh', domain: 'spellbook' } as const;
export const BROADCAST_RECEIVER = 'if://agent/*';
export const AGENT_PREFIX = 'if://agent/';

/** Refusals the mesh adds to the envelope verifier's codes. */
export const MESH_REJECTION_CODES = [
  /** The payload is not `{ envelope: string }` of at most MAX_MESH_ENVELOPE_BYTES. */
  'bad-wire',
  /** The envelope names a sender other than the peer whose data channel it came on. */
  'wrong-channel',
  /** The peer's signed session description did not verify, so nothing from it is trusted. */
  'unbound-peer',
  /** More than MAX_PENDING_PER_PEER messages arrived before the peer's binding. */
  'pending-overflow',
  /** Relay: more hops than allowed. */
  'too-many-hops',
  /** An acknowledgement envelope without a well-formed `mesh_ack` content. */
  'bad-ack',
] as const;
export type MeshRejectionCode = (typeof MESH_REJECTION_CODES)[number];

/** Every reason a message can be refused, each counted in `getStats().rejected.byReason`. */
export const REJECTION_CODES = [...ENVELOPE_ERROR_CODES, ...MESH_REJECTION_CODES] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** Why a peer's session binding failed: an envelope code or an SDP-binding code. */
export const BINDING_FAILURE_CODES = [...ENVELOPE_ERROR_CODES, ...(Object.keys(SDP_BINDING_ERRORS) as (keyof typeof SDP_BINDING_ERRORS)[]), 'bad-wire', 'no-description'] as const;
export type BindingFailureCode = (typeof BINDING_FAILURE_CODES)[number];

export const MESH_ERRORS = {
  'bad-option': 'invalid option',
  'not-connected': 'no open, bound channel to that agent',
  'not-initialized': 'the mesh agent is not initialized',
  'not-in-roster': 'that agent is not on the roster',
  'bad-message': 'the message cannot be sent',
  'not-acknowledged': 'the message was not acknowledged',
} as const;
export type MeshErrorCode = keyof typeof MESH_ERRORS;
