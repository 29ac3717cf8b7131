/** Defaults, limits and user-facing messages of the swarm transport (one place, per module rule). */

/** Label of the control channel: reliable and ordered (RFC 8831 section 6.1), negotiated out of band on stream 0 (RFC 8832 section 1). */
export const CONTROL_LABEL = 'swarm';
export const CONTROL_STREAM_ID = 0;

/** Heartbeat (ping) period on every open data channel. */
export const DEFAULT_HEARTBEAT_MS = 5_000;
/** A peer silent on its data channel for longer than this is pruned (issue #8: 60 s). */
export const DEFAULT_PRUNE_AFTER_MS = 60_000;
/** How long one connection attempt may take from first offer to an open channel. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** Retry backoff of failed connections (same shape as the signaling client's): full jitter. */
export const DEFAULT_RETRY = { initialDelayMs: 250, maxDelayMs: 10_000 } as const;
/** A member who should receive our offer waits this long before offering itself. */
export const ANSWER_FALLBACK_MS = 3_000;

/** Largest text control message accepted or sent, bytes (UTF-8). */
export const MAX_CONTROL_BYTES = 65_536;
/** Artifact chunk payload size: at most 16 KiB (RFC 8831 section 6.6 recommends small messages for interleaving). */
export const CHUNK_BYTES = 16_384;
/** Binary chunk frame header: kind (1) + transfer id (16) + index (4). */
export const CHUNK_HEADER_BYTES = 21;
export const CHUNK_FRAME_KIND = 0x01;
/** Largest artifact accepted from a peer, bytes. */
export const DEFAULT_MAX_ARTIFACT_BYTES = 64 * 1024 * 1024;
/** Artifacts being received from one peer at once, at most. */
export const MAX_INBOUND_TRANSFERS_PER_PEER = 4;
/** Text control messages accepted per peer per second; more are dropped and counted. */
export const DEFAULT_MAX_MESSAGES_PER_SECOND = 2_000;
/** Tasks this agent runs for others at once; more are refused with reason `busy`. */
export const DEFAULT_MAX_CONCURRENT_TASKS = 16;
/** Default delegateTask timeout. */
export const DEFAULT_TASK_TIMEOUT_MS = 30_000;
/** Default consensus timeout and quorum (share of the electorate that must vote `yes`). */
export const DEFAULT_CONSENSUS_TIMEOUT_MS = 10_000;
export const DEFAULT_QUORUM = 0.5;
/** Remote ICE candidates held before their description, per connection, at most. */
export const MAX_HELD_CANDIDATES = 64;
/** Round trips kept per peer for the percentiles. */
export const RTT_SAMPLES_PER_PEER = 1_024;
/** Default signaling URL (issue #8). */
export const DEFAULT_SIGNALING_URL = 'ws://localhost:8000/signaling';
/** String field limits in control messages. */
export const MAX_ID_CHARS = 128;
export const MAX_TYPE_CHARS = 64;
export const MAX_NAME_CHARS = 256;

export const Messages = {
  notInitialized: 'the agent is not initialized: call initialize() first',
  disconnected: 'the agent was disconnected',
  notJson: 'control message is not valid JSON',
  notObject: 'control message is not a JSON object',
  tooLarge: (size: number, max: number) => `message of ${size} bytes exceeds the limit of ${max} bytes`,
  unknownType: (t: string) => `unknown control message type '${t}'`,
  badField: (field: string, want: string) => `field '${field}' must be ${want}`,
  badFrame: (why: string) => `bad chunk frame: ${why}`,
  taskTimeout: (id: string, ms: number) => `task ${id} got no result within ${ms} ms`,
  taskRefused: (id: string, reason: string) => `task ${id} was refused: ${reason}`,
  taskFailed: (id: string, message: string) => `task ${id} failed on the peer: ${message}`,
  channelClosed: (peer: string) => `the data channel to ${peer} closed`,
  notConnected: (peer: string) => `no open data channel to ${peer}`,
  digestMismatch: (name: string) => `artifact '${name}' arrived with a SHA-256 that does not match the announced one`,
  payloadTooLarge: (size: number, max: number) => `payload of ${size} bytes does not fit one message (${max}); use sendArtifact()`,
  badOption: (what: string) => `invalid option: ${what}`,
  rateLimited: (peer: string) => `peer ${peer} exceeded the message rate; message dropped`,
} as const;
